#!/bin/bash
# deb after-remove (deb.afterRemove in electron-builder.yml): electron-builder's template
# (app-builder-lib/templates/linux/after-remove.tpl) with the /usr/bin/${executable} link being
# the CLI launcher's, as registered by build/linux/after-install.sh.

APP_DIR='/opt/${sanitizedProductName}'

if type update-alternatives >/dev/null 2>&1; then
    update-alternatives --remove '${executable}' "$APP_DIR/resources/bin/${executable}"
else
    rm -f '/usr/bin/${executable}'
fi

APPARMOR_PROFILE_DEST='/etc/apparmor.d/${executable}'

# Unload the profile before deleting it, so the policy is not left enforced until reboot.
if [ -f "$APPARMOR_PROFILE_DEST" ]; then
  if apparmor_status --enabled > /dev/null 2>&1; then
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --remove "$APPARMOR_PROFILE_DEST" || true
    fi
  fi
  rm -f "$APPARMOR_PROFILE_DEST"
fi
