; Inno Setup recipe for the till on Windows (Inno Setup 6, https://jrsoftware.org/isinfo.php).
;
; Build, on a Windows build machine (see docs/deploy.md, "Windows tills"):
;   py -3.11 -m venv .venv
;   .venv\Scripts\pip install -e ".[gui,package]"
;   .venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath build\dist ^
;       --workpath build\pyinstaller packaging\pyinstaller\posclient.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\posclient.iss
; Output: build\posclient-setup-0.1.0.exe
;
; Silent install for a roll-out (installs, then enrols this till with the central):
;   posclient-setup-0.1.0.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART ^
;       /SERVER=https://central.example.com /CODE=ABCD-EFGH-JKLM-NPQR [/TILLNAME=front-1]
;       [/LOG=C:\posclient-install.log]
; Without /SERVER and /CODE the till asks for them on its first start ("Set up this till").
; The enrolment runs as the user who runs the installer: run it as the till's own Windows
; user (the database lives in that user's %LOCALAPPDATA%\posclient, the token in that user's
; Windows Credential Manager). If the enrolment fails, the installation stays and the
; installer's exit code is still 0: check with `posclient doctor` (exit 0 or 5 is fine).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root ".."

[Setup]
AppId={{7C0E8A52-6D1B-4B5E-9F0A-3C5E0B2D7A11}
AppName=posclient till
AppVersion={#AppVersion}
AppPublisher=posclient
DefaultDirName={autopf}\posclient
DefaultGroupName=posclient
DisableProgramGroupPage=yes
OutputDir={#Root}\..\build
OutputBaseFilename=posclient-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
SetupLogging=yes
UninstallDisplayIcon={app}\posclient.exe
; An upgrade installs over the old version; the till's database upgrades itself on the next
; start, with a copy taken first (till.db.pre-v*.bak beside it).
CloseApplications=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
; Chinese set-up screens: add the unofficial ChineseSimplified.isl from the Inno Setup site to
; the compiler's Languages folder, then:
; Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "{#Root}\..\build\dist\posclient\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\posclient till"; Filename: "{app}\posclient.exe"; Parameters: "till"
Name: "{autodesktop}\posclient till"; Filename: "{app}\posclient.exe"; Parameters: "till"
Name: "{autostartup}\posclient till"; Filename: "{app}\posclient.exe"; Parameters: "till"; Tasks: autostart

[Tasks]
Name: "autostart"; Description: "Start the till when this user logs on"; Flags: unchecked

[Run]
; The enrolment, when /SERVER= and /CODE= were given (scripted roll-outs).
Filename: "{app}\posclient.exe"; Parameters: "{code:EnrolParams}"; StatusMsg: "Enrolling this till with the central..."; Flags: runhidden waituntilterminated; Check: WantsEnrolment
Filename: "{app}\posclient.exe"; Parameters: "till"; Description: "Start the till now"; Flags: postinstall nowait skipifsilent unchecked

[Code]
function WantsEnrolment(): Boolean;
begin
  Result := (ExpandConstant('{param:SERVER}') <> '') and (ExpandConstant('{param:CODE}') <> '');
end;

{ posclient enrol --server URL --code CODE [--name NAME]; the name defaults to the computer's. }
function EnrolParams(Param: String): String;
begin
  Result := 'enrol --server "' + ExpandConstant('{param:SERVER}') + '" --code "' +
            ExpandConstant('{param:CODE}') + '"';
  if ExpandConstant('{param:TILLNAME}') <> '' then
    Result := Result + ' --name "' + ExpandConstant('{param:TILLNAME}') + '"';
end;
