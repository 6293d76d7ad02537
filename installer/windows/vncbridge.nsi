; The Windows installer of vncbridge, built by scripts/dist.sh with makensis:
;   makensis -DVERSION=1.2.3 -DVIVERSION=1.2.3.0 -DSRCDIR=dir -DOUTFILE=setup.exe vncbridge.nsi
; It installs for the current user, without administrator rights, into
; %LOCALAPPDATA%\Programs\vncbridge, with Start-menu shortcuts and, if chosen,
; start at login. The uninstaller stops and removes the vncbridge service if
; one was installed, then removes every file and registry entry the
; installer made. (The settings and recordings the tray keeps in
; %APPDATA%\vncbridge are the user's, and stay.)

; 64-bit, as the program is (and as Wine on a 64-bit-only Debian runs it).
Target amd64-unicode
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef VIVERSION
  !define VIVERSION "0.0.0.0"
!endif
!ifndef SRCDIR
  !error "SRCDIR: the folder with vncbridge.exe, vncbridge-cli.exe and the licences"
!endif
!ifndef OUTFILE
  !define OUTFILE "vncbridge-setup.exe"
!endif
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\vncbridge"
!define RUNKEY "Software\Microsoft\Windows\CurrentVersion\Run"

Name "vncbridge"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\vncbridge"
InstallDirRegKey HKCU "Software\vncbridge" "InstallDir"
SetCompressor /SOLID lzma
ManifestDPIAware true

!include "MUI2.nsh"
!include "LogicLib.nsh"
!define MUI_ICON "${SRCDIR}\vncbridge.ico"
!define MUI_UNICON "${SRCDIR}\vncbridge.ico"
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\vncbridge.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start vncbridge now"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${SRCDIR}\noVNC-LICENSE.txt"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

VIProductVersion "${VIVERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "vncbridge"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "vncbridge installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "vncbridge developers; noVNC under MPL-2.0"

Section "vncbridge" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${SRCDIR}\vncbridge.exe"
  File "${SRCDIR}\vncbridge-cli.exe"
  File "${SRCDIR}\vncbridge.ico"
  File "${SRCDIR}\noVNC-LICENSE.txt"
  File "${SRCDIR}\noVNC-AUTHORS.txt"
  File "${SRCDIR}\THIRD-PARTY.txt"
  File "${SRCDIR}\README.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\vncbridge"
  CreateShortcut "$SMPROGRAMS\vncbridge\vncbridge.lnk" "$INSTDIR\vncbridge.exe" "" "$INSTDIR\vncbridge.ico"
  CreateShortcut "$SMPROGRAMS\vncbridge\Uninstall vncbridge.lnk" "$INSTDIR\uninstall.exe"

  WriteRegStr HKCU "Software\vncbridge" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "vncbridge"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "vncbridge"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\vncbridge.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Start vncbridge at login" SecLogin
  WriteRegStr HKCU "${RUNKEY}" "vncbridge" '"$INSTDIR\vncbridge.exe"'
SectionEnd

Section "Uninstall"
  ; The service, if one was installed: stopping and removing it needs an
  ; administrator, so ask (UAC) only when there is one (status exits 4 when not).
  nsExec::Exec '"$INSTDIR\vncbridge-cli.exe" service status --system'
  Pop $0
  ${If} $0 != "4"
  ${AndIf} $0 != "error"
    ExecShellWait "runas" "$INSTDIR\vncbridge-cli.exe" "service uninstall --system" SW_HIDE
  ${EndIf}
  ; A running tray holds its files.
  nsExec::Exec 'taskkill /IM vncbridge.exe /F'
  Pop $0

  Delete "$INSTDIR\vncbridge.exe"
  Delete "$INSTDIR\vncbridge-cli.exe"
  Delete "$INSTDIR\vncbridge.ico"
  Delete "$INSTDIR\noVNC-LICENSE.txt"
  Delete "$INSTDIR\noVNC-AUTHORS.txt"
  Delete "$INSTDIR\THIRD-PARTY.txt"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\vncbridge\vncbridge.lnk"
  Delete "$SMPROGRAMS\vncbridge\Uninstall vncbridge.lnk"
  RMDir "$SMPROGRAMS\vncbridge"

  DeleteRegValue HKCU "${RUNKEY}" "vncbridge"
  DeleteRegKey HKCU "Software\vncbridge"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
