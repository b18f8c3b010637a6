; Included by electron-builder's NSIS script (nsis.include in electron-builder.yml).
; Puts the folder of the `ecr-keeper` CLI launcher ($INSTDIR\resources\bin\ecr-keeper.cmd) on the
; current user's PATH at install and takes it off at uninstall. The install is per user, so this is
; HKCU\Environment and needs no admin rights; the value is kept REG_EXPAND_SZ so entries such as
; %USERPROFILE%\bin keep working. electron-builder's NSIS has 8192-character strings: a PATH that
; long might come back truncated and writing it would lose the rest, so such a PATH is left alone
; and the details log says which folder to add by hand.
; Everything is inline in the two macros (no Function): electron-builder compiles the installer
; and the uninstaller separately with warnings as errors, and a function one of them does not
; call is a warning. The registers used are saved and restored around each macro.
; tests/unit/cli-launcher.test.ts compiles both macros with makensis -WX where it is installed.

!include "WinMessages.nsh"

!define EK_PATH_MAX 8000

!macro ekSaveRegisters
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  Push $R6
  Push $R7
  Push $R8
!macroend

!macro ekRestoreRegisters
  Pop $R8
  Pop $R7
  Pop $R6
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $R0
!macroend

!macro customInstall
  !insertmacro ekSaveRegisters
  StrCpy $R1 "$INSTDIR\resources\bin"
  ClearErrors
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R2 $R0
  IntCmp $R2 ${EK_PATH_MAX} ekPathTooLong 0 ekPathTooLong
  ; Already there? Look for ;folder; in ;PATH; (StrCmp ignores case, as Windows paths do).
  StrCpy $R3 ";$R0;"
  StrCpy $R4 ";$R1;"
  StrLen $R5 $R4
  StrCpy $R6 0
  ekFind:
    StrCpy $R7 $R3 $R5 $R6
    StrCmp $R7 $R4 ekPathDone
    StrCmp $R7 "" ekAppend
    IntOp $R6 $R6 + 1
    Goto ekFind
  ekAppend:
    StrCmp $R0 "" ekFirstEntry
    StrCpy $R7 $R0 1 -1
    StrCmp $R7 ";" ekNoSeparator
    StrCpy $R0 "$R0;$R1"
    Goto ekWrite
  ekNoSeparator:
    StrCpy $R0 "$R0$R1"
    Goto ekWrite
  ekFirstEntry:
    StrCpy $R0 "$R1"
  ekWrite:
    WriteRegExpandStr HKCU "Environment" "Path" $R0
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    DetailPrint "Added $R1 to your PATH: open a new terminal to use ecr-keeper."
    Goto ekPathDone
  ekPathTooLong:
    DetailPrint "Your PATH is too long to change safely; add $R1 to it yourself to use ecr-keeper."
  ekPathDone:
  !insertmacro ekRestoreRegisters
!macroend

!macro customUnInstall
  !insertmacro ekSaveRegisters
  StrCpy $R1 "$INSTDIR\resources\bin"
  ClearErrors
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R2 $R0
  IntCmp $R2 ${EK_PATH_MAX} ekUnDone 0 ekUnDone
  ; Rebuild PATH from its ;-separated entries without ours; written back only if ours was there.
  StrCpy $R3 ""
  StrCpy $R4 ""
  StrCpy $R6 0
  StrCpy $R8 0
  ekUnChar:
    StrCpy $R7 $R0 1 $R6
    StrCmp $R7 "" ekUnEntry
    StrCmp $R7 ";" ekUnEntry
    StrCpy $R4 "$R4$R7"
    IntOp $R6 $R6 + 1
    Goto ekUnChar
  ekUnEntry:
    StrCmp $R4 $R1 ekUnOurs
    StrCmp $R4 "" ekUnNext
    StrCmp $R3 "" ekUnFirst
    StrCpy $R3 "$R3;$R4"
    Goto ekUnNext
  ekUnFirst:
    StrCpy $R3 $R4
    Goto ekUnNext
  ekUnOurs:
    StrCpy $R8 1
  ekUnNext:
    StrCpy $R4 ""
    StrCmp $R7 "" ekUnEnd
    IntOp $R6 $R6 + 1
    Goto ekUnChar
  ekUnEnd:
    StrCmp $R8 1 0 ekUnDone
    StrCmp $R3 "" 0 ekUnWrite
    DeleteRegValue HKCU "Environment" "Path"
    Goto ekUnBroadcast
  ekUnWrite:
    WriteRegExpandStr HKCU "Environment" "Path" $R3
  ekUnBroadcast:
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  ekUnDone:
  !insertmacro ekRestoreRegisters
!macroend
