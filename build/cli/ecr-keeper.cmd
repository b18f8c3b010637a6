@echo off
rem ecr-keeper: the command-line interface of an installed ECR Keeper, for Windows.
rem Runs the bundled CLI (resources\cli\cli.js) with the app's own runtime in Node mode
rem (ELECTRON_RUN_AS_NODE=1, as VS Code's code.cmd does). Installed as resources\bin\ecr-keeper.cmd;
rem the installer puts resources\bin on the user's PATH (build/installer.nsh).
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\ECR Keeper.exe" "%~dp0..\cli\cli.js" %*
exit /b %ERRORLEVEL%
