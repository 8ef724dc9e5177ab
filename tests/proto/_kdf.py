"""Enrollment code parsing and libsodium's crypto_kdf (BLAKE2b with salt and
personal) in plain Python, independent of pawd's C code."""
import hashlib

B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'


def parse_code(code):
    s = code.upper().replace('-', '').replace(' ', '')
    assert s.startswith('PAW1')
    s = s[4:].replace('O', '0').replace('I', '1').replace('L', '1')
    bits = ''.join(format(B32.index(ch), '05b') for ch in s)
    raw = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits) - 7, 8))[:66]
    key, secret, check = raw[:32], raw[32:64], raw[64:66]
    assert hashlib.blake2b(key + secret, digest_size=32).digest()[:2] == check
    return key, secret


def kdf(length, subkey_id, ctx, key):
    salt = subkey_id.to_bytes(8, 'little') + bytes(8)
    person = ctx + bytes(8)
    return hashlib.blake2b(b'', digest_size=length, key=key, salt=salt, person=person).digest()


def derive(secret):
    return kdf(16, 1, b'PAWENROL', secret), kdf(32, 2, b'PAWENROL', secret)
