#!/bin/bash
# deb after-install (deb.afterInstall in electron-builder.yml). electron-builder fills in
# ${executable} and ${sanitizedProductName} as in its own template
# (app-builder-lib/templates/linux/after-install.tpl), which this follows with one difference:
# /usr/bin/${executable} ("ecr-keeper") is the CLI launcher (resources/bin/ecr-keeper, which runs
# the bundled CLI with the app's runtime), not the app's binary. The app starts from its desktop entry.

APP_DIR='/opt/${sanitizedProductName}'
CLI_LAUNCHER="$APP_DIR/resources/bin/${executable}"

if type update-alternatives >/dev/null 2>&1; then
    # A link that does not go through update-alternatives (ours from an older install, or by hand) makes way.
    if [ -L '/usr/bin/${executable}' -a -e '/usr/bin/${executable}' -a "`readlink '/usr/bin/${executable}'`" != '/etc/alternatives/${executable}' ]; then
        rm -f '/usr/bin/${executable}'
    fi
    # electron-builder's default script registered the app binary under this name: not any more.
    update-alternatives --remove '${executable}' "$APP_DIR/${executable}" >/dev/null 2>&1 || true
    update-alternatives --install '/usr/bin/${executable}' '${executable}' "$CLI_LAUNCHER" 100 || ln -sf "$CLI_LAUNCHER" '/usr/bin/${executable}'
else
    ln -sf "$CLI_LAUNCHER" '/usr/bin/${executable}'
fi

# Check if user namespaces are supported by the kernel and working with a quick test:
if ! { [[ -L /proc/self/ns/user ]] && unshare --user true; }; then
    # Use SUID chrome-sandbox only on systems without user namespaces:
    chmod 4755 "$APP_DIR/chrome-sandbox" || true
else
    chmod 0755 "$APP_DIR/chrome-sandbox" || true
fi

if hash update-mime-database 2>/dev/null; then
    update-mime-database /usr/share/mime || true
fi

if hash update-desktop-database 2>/dev/null; then
    update-desktop-database /usr/share/applications || true
fi

# AppArmor profile (Ubuntu 24+), as electron-builder's template installs it: only when this
# AppArmor understands the bundled profile.
if apparmor_status --enabled > /dev/null 2>&1; then
  APPARMOR_PROFILE_SOURCE="$APP_DIR/resources/apparmor-profile"
  APPARMOR_PROFILE_TARGET='/etc/apparmor.d/${executable}'
  if apparmor_parser --skip-kernel-load --debug "$APPARMOR_PROFILE_SOURCE" > /dev/null 2>&1; then
    cp -f "$APPARMOR_PROFILE_SOURCE" "$APPARMOR_PROFILE_TARGET"
    if ! { [ -x '/usr/bin/ischroot' ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$APPARMOR_PROFILE_TARGET"
    fi
  else
    echo "Skipping the installation of the AppArmor profile as this version of AppArmor does not seem to support the bundled profile"
  fi
fi
