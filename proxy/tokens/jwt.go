package tokens

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"vncbridge/proxy"
)

// JWT is the JWTTokenApi plugin: the token itself is a JWT whose claims
// carry the target ("host" and "port"), signed (JWS) or encrypted (JWE, with
// a signed JWT or the claims inside) with the key in the source file (see
// readJWTKey). "nbf" and "exp" are honoured.
type JWT struct {
	verifyKey  any // public or shared key
	decryptKey any // private or shared key; nil when only a public key is known
	now        func() time.Time
}

var (
	signatureAlgorithms = []jose.SignatureAlgorithm{
		jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.HS256, jose.HS384, jose.HS512, jose.EdDSA,
	}
	keyAlgorithms = []jose.KeyAlgorithm{
		jose.RSA_OAEP, jose.RSA_OAEP_256, jose.A128KW, jose.A192KW, jose.A256KW, jose.DIRECT,
		jose.ECDH_ES, jose.ECDH_ES_A128KW, jose.ECDH_ES_A192KW, jose.ECDH_ES_A256KW,
		jose.A128GCMKW, jose.A192GCMKW, jose.A256GCMKW,
	}
	contentEncryptions = []jose.ContentEncryption{
		jose.A128CBC_HS256, jose.A192CBC_HS384, jose.A256CBC_HS512, jose.A128GCM, jose.A192GCM, jose.A256GCM,
	}
)

// NewJWT reads the key file source.
func NewJWT(source string) (*JWT, error) {
	data, err := os.ReadFile(source)
	if err != nil {
		return nil, fmt.Errorf("JWT key: %w", err)
	}
	j := &JWT{now: time.Now}
	block, _ := pem.Decode(data)
	if block == nil {
		j.verifyKey, j.decryptKey, err = keyOfText(data)
		if err != nil {
			return nil, fmt.Errorf("JWT key %s: %w", source, err)
		}
		return j, nil
	}
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("JWT key %s: %w", source, err)
		}
		j.verifyKey = cert.PublicKey
	case "PUBLIC KEY":
		j.verifyKey, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		j.verifyKey, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "RSA PRIVATE KEY":
		j.decryptKey, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		j.decryptKey, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		j.decryptKey, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("JWT key %s: unknown PEM block %q", source, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("JWT key %s: %w", source, err)
	}
	if j.verifyKey == nil {
		j.verifyKey = publicOf(j.decryptKey)
	}
	return j, nil
}

// keyOfText reads a key file that is not PEM, in the first of these forms
// that fits:
//
//   - a JSON Web Key (a JSON object: "kty" "oct" with "k", or an RSA, EC or
//     OKP key);
//   - a shared secret in base64url, with or without padding: the secret is
//     the decoded bytes. websockify reads its key file this way (as the "k"
//     of an "oct" JSON Web Key), so a file it takes is read alike here;
//   - anything else (text that is not base64url) is the shared secret itself,
//     its bytes as they are.
//
// Whitespace around the text (a final newline, say) is ignored. It returns
// the key that verifies and the one that decrypts (nil for a public key).
func keyOfText(data []byte) (verify, decrypt any, err error) {
	text := strings.TrimSpace(string(data))
	if text == "" {
		return nil, nil, errors.New("the key file is empty")
	}
	if strings.HasPrefix(text, "{") {
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON([]byte(text)); err != nil {
			return nil, nil, fmt.Errorf("not a JSON Web Key: %w", err)
		}
		if jwk.IsPublic() {
			return jwk.Key, nil, nil
		}
		return publicOf(jwk.Key), jwk.Key, nil
	}
	if secret, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(text, "=")); err == nil && len(secret) > 0 {
		return secret, secret, nil
	}
	return []byte(text), []byte(text), nil
}

func publicOf(k any) any {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return &k.PublicKey
	case *ecdsa.PrivateKey:
		return &k.PublicKey
	case ed25519.PrivateKey:
		return k.Public()
	case crypto.Signer:
		return k.Public()
	}
	return k
}

// LookupTarget implements proxy.TargetLookup. A token that does not verify,
// has expired or is not yet valid is unknown.
func (j *JWT) LookupTarget(ctx context.Context, token string) (proxy.Target, error) {
	claims, err := j.claims(token)
	if err != nil {
		return proxy.Target{}, fmt.Errorf("%w: %v", proxy.ErrUnknownToken, err)
	}
	var c struct {
		Host string          `json:"host"`
		Port json.RawMessage `json:"port"`
		NBF  *float64        `json:"nbf"`
		EXP  *float64        `json:"exp"`
	}
	if err := json.Unmarshal(claims, &c); err != nil {
		return proxy.Target{}, fmt.Errorf("%w: claims are not JSON", proxy.ErrUnknownToken)
	}
	now := float64(j.now().UnixNano()) / 1e9
	if c.NBF != nil && now < *c.NBF {
		return proxy.Target{}, fmt.Errorf("%w: token not valid yet", proxy.ErrUnknownToken)
	}
	if c.EXP != nil && now > *c.EXP {
		return proxy.Target{}, fmt.Errorf("%w: token expired", proxy.ErrUnknownToken)
	}
	return tcpTarget(c.Host, strings.Trim(string(c.Port), `"`))
}

// claims verifies (and first decrypts, for a JWE) a compact token.
func (j *JWT) claims(token string) ([]byte, error) {
	if strings.Count(token, ".") == 4 { // JWE
		if j.decryptKey == nil {
			return nil, errors.New("encrypted token, but the key file holds no private or shared key")
		}
		enc, err := jose.ParseEncryptedCompact(token, keyAlgorithms, contentEncryptions)
		if err != nil {
			return nil, err
		}
		inner, err := enc.Decrypt(j.decryptKey)
		if err != nil {
			return nil, err
		}
		if strings.Count(string(inner), ".") != 2 {
			return inner, nil // the claims themselves
		}
		token = string(inner) // a signed JWT inside
	}
	sig, err := jose.ParseSignedCompact(token, signatureAlgorithms)
	if err != nil {
		return nil, err
	}
	return sig.Verify(j.verifyKey)
}
