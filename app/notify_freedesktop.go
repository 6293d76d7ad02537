//go:build !windows && !darwin

package app

// The desktop's notifications on Linux and the BSDs: told, replaced, and
// asked with buttons (org.freedesktop.Notifications on the session bus).

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"
)

// freedesktopNotify calls the notification service on the session bus.
// body is plain text: quoted for a service that reads markup in it (it
// says so among its capabilities); the title never holds markup.
func freedesktopNotify(title, body string) error {
	_, err := freedesktopNotifyReplacing(title, body, 0)
	return err
}

// freedesktopNotifyReplacing shows a notification in the place of the one
// numbered replaces (0: none), and returns its number.
func freedesktopNotifyReplacing(title, body string, replaces uint32) (uint32, error) {
	conn, err := sessionBus()
	if err != nil {
		return 0, err
	}
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	var caps []string
	if err := obj.Call("org.freedesktop.Notifications.GetCapabilities", 0).Store(&caps); err != nil {
		return 0, err
	}
	if slices.Contains(caps, "body-markup") {
		body = escapeMarkup(body)
	}
	var id uint32
	err = obj.Call("org.freedesktop.Notifications.Notify", 0, "vncbridge", replaces, "vncbridge",
		title, body, []string{}, map[string]dbus.Variant{}, int32(-1)).Store(&id)
	return id, err
}

// The notification service (the Desktop Notifications Specification).
const (
	notifications     = "org.freedesktop.Notifications"
	notificationsPath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

// clickAfterClose is how long a notification closed by the person may
// still report the button that closed it.
const clickAfterClose = 500 * time.Millisecond

// freedesktopAskByNotification asks in a notification with buttons, on a
// connection of its own to the session bus: its signals (the button
// clicked, the notification closed) come to this question only, and end
// with it. The question is plain text, quoted where the service reads
// markup. The buttons' keys are their ids: the answer is the key of the
// button clicked, whatever its label says.
func freedesktopAskByNotification(ctx context.Context, title, q string, buttons []consentButton) (string, error) {
	if err := sessionBusNamed(); err != nil {
		return "", cannotAsk("no desktop notifications", err)
	}
	conn, err := dbus.ConnectSessionBus() // not WithContext: that would close it before the notification
	if err != nil {
		return "", cannotAsk("no desktop notifications", fmt.Errorf("the session bus: %w", err))
	}
	defer conn.Close()
	obj := conn.Object(notifications, notificationsPath)
	var caps []string
	if err := obj.CallWithContext(ctx, notifications+".GetCapabilities", 0).Store(&caps); err != nil {
		return "", cannotAsk("no desktop notifications", err)
	}
	if !slices.Contains(caps, "actions") {
		return "", cannotAsk("the desktop's notifications have no buttons", nil)
	}
	if slices.Contains(caps, "body-markup") {
		q = escapeMarkup(q)
	}
	// Listen before asking: a click may come at once.
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchSender(notifications),
		dbus.WithMatchObjectPath(notificationsPath), dbus.WithMatchInterface(notifications)); err != nil {
		return "", fmt.Errorf("listening to the notifications: %w", err)
	}
	signals := make(chan *dbus.Signal, 8)
	conn.Signal(signals)
	var actions []string
	for _, b := range buttons {
		actions = append(actions, b.id, b.label)
	}
	// Critical, and never expiring: the question stays until it is
	// answered or the viewer's time is up. The call is not cut short by
	// ctx: a notification shown must be known, to be closed.
	hints := map[string]dbus.Variant{"urgency": dbus.MakeVariant(byte(2))}
	var id uint32
	showing, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err = obj.CallWithContext(showing, notifications+".Notify", 0, "vncbridge", uint32(0), "vncbridge",
		title, q, actions, hints, int32(0)).Store(&id)
	cancel()
	if err != nil {
		return "", cannotAsk("the notification could not be shown", err)
	}
	var dismissed <-chan time.Time // set when the notification closed
	for {
		select {
		case <-dismissed:
			return consentDeny, nil
		case <-ctx.Done():
			// Closed on a short context of its own: ctx is over.
			closing, cancel := context.WithTimeout(context.Background(), time.Second)
			obj.CallWithContext(closing, notifications+".CloseNotification", 0, id)
			cancel()
			return "", ctx.Err()
		case sig, ok := <-signals:
			if !ok {
				return "", errors.New("the session bus went away while asking")
			}
			if len(sig.Body) < 2 || sig.Body[0] != id {
				continue
			}
			switch sig.Name {
			case notifications + ".ActionInvoked":
				key, _ := sig.Body[1].(string)
				if i := slices.Index(actions, key); i >= 0 && i%2 == 0 {
					return key, nil
				}
			case notifications + ".NotificationClosed":
				if reason, _ := sig.Body[1].(uint32); reason == 1 {
					return "", errors.New("the notification expired unanswered")
				}
				// Dismissed: Deny, unless the button clicked comes just
				// after (some services, such as awesome's, close first).
				if dismissed == nil {
					dismissed = time.After(clickAfterClose)
				}
			}
		}
	}
}
