package app

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"vncbridge/internal/words"
)

// platform: Windows (the service manager, UAC, PowerShell, the registry).
var platform = desktop{
	userServices:        false, // the Windows service manager has none
	serviceDependencies: func(bool) []string { return nil },
	adminHint:           "run it from an administrator's command prompt: vncbridge-cli service …",
	isRoot:              func() bool { return false }, // a system service is the default there anyway
	elevate:             windowsElevate,
	dialog:              windowsDialog,
	consentDialog:       windowsConsentDialog,
	emptyIsCancel:       true, // InputBox answers "" for Cancel
	notify:              func(string, string) error { return errors.New("no notifications on Windows") },
	trayHost:            func() error { return nil },
	listeningPorts:      func() (map[int]bool, bool) { return nil, false },
	watchMenus:          func(func()) error { return nil }, // the tray looks at its timer
	serviceFiles:        func() []string { return nil },    // in the registry; the service manager is asked each round
}

// windowsElevate starts exe with args through UAC ("runas"). It does not
// wait: the tray sees the service's new state at its next look.
func windowsElevate(exe string, args []string) error {
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, syscall.EscapeArg(a))
	}
	verb, _ := windows.UTF16PtrFromString("runas")
	file, _ := windows.UTF16PtrFromString(exe)
	params, _ := windows.UTF16PtrFromString(strings.Join(quoted, " "))
	if err := windows.ShellExecute(0, verb, file, params, nil, windows.SW_HIDE); err != nil {
		return knownError{say: "the administrator's approval was refused", err: err}
	}
	return nil
}

// windowsDialog is PowerShell's InputBox, without a console window.
func windowsDialog(ctx context.Context, title, prompt, value string) (*exec.Cmd, error) {
	ps := `Add-Type -AssemblyName Microsoft.VisualBasic; [Microsoft.VisualBasic.Interaction]::InputBox($env:VB_PROMPT, $env:VB_TITLE, $env:VB_VALUE)`
	cmd := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", ps)
	cmd.Env = append(cmd.Environ(), "VB_PROMPT="+prompt, "VB_TITLE="+title, "VB_VALUE="+value)
	hideConsole(cmd)
	return cmd, nil
}

// windowsConsentDialog is a MessageBox through PowerShell: Yes, No and
// Cancel stand for the three answers. The question reaches PowerShell in
// the environment, never in the script, and a MessageBox shows plain text.
func windowsConsentDialog(ctx context.Context, w words.Printer, q string, buttons []consentButton) (*exec.Cmd, func(string, int) string, error) {
	ps := `Add-Type -AssemblyName System.Windows.Forms; ` +
		`[System.Windows.Forms.MessageBox]::Show($env:VB_PROMPT, 'vncbridge', $env:VB_BUTTONS)`
	cmd := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command", ps)
	// Windows names the buttons in its own language: the prompt says
	// what each stands for. The answer is the enum's name, never a label.
	prompt, kind := q+"\n\n"+w.Sprintf("Yes: allow. No: view only. Cancel: deny."), "YesNoCancel"
	if len(buttons) == 2 {
		prompt, kind = q, "YesNo"
	}
	cmd.Env = append(cmd.Environ(), "VB_PROMPT="+prompt, "VB_BUTTONS="+kind)
	hideConsole(cmd)
	return cmd, func(out string, _ int) string {
		switch {
		case out == "Yes":
			return consentAllow
		case out == "No" && len(buttons) == 3:
			return consentViewOnly
		}
		return consentDeny
	}, nil
}

// hideConsole keeps a console program started by the tray (a GUI program)
// from opening a console window.
func hideConsole(cmd *exec.Cmd) {
	const createNoWindow = 0x08000000
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}

const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// Enabled tells whether the Run value is there.
func (loginItem) Enabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue("vncbridge")
	return err == nil
}

// SetEnabled writes or removes the Run value.
func (l loginItem) SetEnabled(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue("vncbridge"); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return err
		}
		return nil
	}
	exe, err := l.program()
	if err != nil {
		return err
	}
	line := syscall.EscapeArg(exe)
	for _, a := range l.args {
		line += " " + syscall.EscapeArg(a)
	}
	return k.SetStringValue("vncbridge", line)
}
