// The app's identity, shared by main.ts (Windows AppUserModelId: toasts are attributed to it and
// must match the installer's shortcut) and build/electron-builder.yml (appId). A unit test checks
// that the two agree.
export const APP_ID = 'io.github.ecrkeeper';
export const EXECUTABLE_NAME = 'ecr-keeper';
