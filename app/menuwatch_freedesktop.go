//go:build !windows && !darwin

package app

import (
	"errors"

	"github.com/godbus/dbus/v5"
)

// watchDBusMenus sees the panel ask about the tray's menu. Panels say in
// different ways that a menu is about to show: xfce4-panel and GTK hosts
// call com.canonical.dbusmenu.AboutToShowGroup (never the "opened" event
// fyne.io/systray reports), others AboutToShow or Event "opened". The tray
// library answers those calls on the shared session bus connection and
// tells nothing of most of them, so a second connection watches them as a
// bus monitor (org.freedesktop.DBus.Monitoring, open to the session bus's
// own user): it sees copies of the calls addressed to this process's
// connection, and never answers them.
func watchDBusMenus(opened func()) error {
	shared, err := sessionBus()
	if err != nil {
		return err
	}
	names := shared.Names()
	if len(names) == 0 {
		return errors.New("the session bus gave this process no name")
	}
	mon, err := dbus.ConnectSessionBus()
	if err != nil {
		return err
	}
	// Every message goes to ch from here on: a monitor must never answer a
	// call, which the connection's own handler would do.
	ch := make(chan *dbus.Message, 64)
	mon.Eavesdrop(ch)
	var rules []string
	for _, member := range []string{"AboutToShow", "AboutToShowGroup", "Event"} {
		rules = append(rules, "type='method_call',interface='com.canonical.dbusmenu',member='"+member+
			"',destination='"+names[0]+"'")
	}
	mon.BusObject().Go("org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, nil, rules, uint32(0))
	go func() {
		defer mon.Close()
		for msg := range ch {
			switch msg.Type {
			case dbus.TypeError:
				// The only error a monitor gets is BecomeMonitor's refusal;
				// the tray library's own "opened" signal remains.
				return
			case dbus.TypeMethodCall:
				if aboutToShow(msg) {
					opened()
				}
			}
		}
	}()
	return nil
}

// aboutToShow tells whether a dbusmenu call says that a menu is about to
// show (clicks and other events are not).
func aboutToShow(msg *dbus.Message) bool {
	member, _ := msg.Headers[dbus.FieldMember].Value().(string)
	switch member {
	case "AboutToShow", "AboutToShowGroup":
		return true
	case "Event":
		return len(msg.Body) > 1 && msg.Body[1] == "opened"
	}
	return false
}
