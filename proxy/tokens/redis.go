package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"vncbridge/proxy"
)

// Redis is the TokenRedis plugin: targets are values in Redis, under the
// token (or namespace:token), either {"host": "host:port"} or host:port.
// The source is host[:port[:db[:password[:namespace]]]]; a field holding a
// colon is written in double quotes.
type Redis struct {
	client    *redis.Client
	namespace string
}

// NewRedis connects to the Redis server the source names.
func NewRedis(source string) (*Redis, error) {
	f, err := splitSource(source)
	if err != nil || len(f) > 5 || f[0] == "" {
		return nil, fmt.Errorf("source %q is not host[:port[:db[:password[:namespace]]]]", source)
	}
	for len(f) < 5 {
		f = append(f, "")
	}
	host, port, db, password, namespace := f[0], f[1], f[2], f[3], f[4]
	if port == "" {
		port = "6379"
	}
	dbn := 0
	if db != "" {
		if dbn, err = strconv.Atoi(db); err != nil {
			return nil, fmt.Errorf("source %q: database %q is not a number", source, db)
		}
	}
	if _, err := strconv.Atoi(port); err != nil {
		return nil, fmt.Errorf("source %q: port %q is not a number", source, port)
	}
	if namespace != "" {
		namespace += ":"
	}
	client := redis.NewClient(&redis.Options{Addr: net.JoinHostPort(host, port), Password: password, DB: dbn})
	return &Redis{client: client, namespace: namespace}, nil
}

// LookupTarget implements proxy.TargetLookup.
func (r *Redis) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	v, err := r.client.Get(ctx, r.namespace+token).Result()
	if errors.Is(err, redis.Nil) {
		return proxy.Target{}, proxy.ErrUnknownToken
	}
	if err != nil {
		return proxy.Target{}, err
	}
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "{") {
		var j struct {
			Host string `json:"host"`
		}
		if err := json.Unmarshal([]byte(v), &j); err != nil || j.Host == "" {
			return proxy.Target{}, fmt.Errorf("Redis value of the token is not {\"host\": \"host:port\"}")
		}
		v = j.Host
	}
	return splitHostPort(v)
}

// Close closes the connections to Redis.
func (r *Redis) Close() error { return r.client.Close() }

// splitSource splits a source at its colons, except inside double quotes.
func splitSource(s string) ([]string, error) {
	var fields []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case c == ':' && !quoted:
			fields = append(fields, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, errors.New("unclosed quote")
	}
	return append(fields, cur.String()), nil
}
