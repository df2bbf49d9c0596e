# aws-runas password obfuscation, written from aws-runas's Go source (credentials/helpers/password_encoder.go,
# Encode) with Python's hashlib.scrypt and the cryptography package: an implementation independent of
# rolecall's decoder, for tests. Usage: python3 aws-runas-password.py PASSWORD URL [COST]; prints the value
# `aws-runas password` writes as web_identity_password in the credentials section [URL].
import base64, hashlib, os, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
def rot32(s): return "".join(STD[(STD.index(c) + 32) % 64] for c in s)
def encode(pw, key, cost=18):
    enc = rot32(base64.b64encode(pw.encode()).decode().rstrip("="))
    if len(enc) % 16: enc += "=" * (16 - len(enc) % 16)
    salt = os.urandom(8)
    k = hashlib.scrypt(key.encode(), salt=salt, n=1 << cost, r=8, p=1, dklen=16, maxmem=300 * 1024 * 1024)
    iv = os.urandom(16)
    e = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    ct = iv + e.update(enc.encode()) + e.finalize()
    return "%x$%s$%s" % (cost, base64.b32encode(salt).decode().rstrip("="), base64.b64encode(ct).decode().rstrip("="))
print(encode(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 18))
