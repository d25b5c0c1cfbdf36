#!/usr/bin/python3
"""make_bad_inputs: writes the broken, hostile and unusual PDFs that tests/bad_inputs.sh feeds
the converter, all derived from one good fixture PDF or built from nothing (standard library
only; nothing binary is committed).

Usage: make_bad_inputs.py GOOD.pdf OUTDIR

GOOD.pdf is a PDF as gen_fixtures writes it (cairo: one classic xref table, no object streams,
no encryption). Writes into OUTDIR:

  empty.pdf              0 bytes
  text.pdf               a line of plain text
  trunc-10.pdf, trunc-50.pdf, trunc-90.pdf
                         GOOD.pdf cut after 10 %, 50 %, 90 % of its bytes
  trunc-eof.pdf          GOOD.pdf cut just before its final %%EOF
  bad-xref.pdf           GOOD.pdf with every xref offset wrong (poppler rebuilds the table)
  bad-startxref.pdf      GOOD.pdf with startxref pointing into a stream
  enc-user-128.pdf       GOOD.pdf encrypted, user password "kaigi", owner "kanri"
                         (Standard Security Handler, V 2, R 3, RC4 128-bit)
  enc-user-40.pdf        the same with V 1, R 2, RC4 40-bit
  enc-owner-128.pdf      encrypted with owner password "kanri" only (empty user password),
  enc-owner-40.pdf       R 3 / R 2; copying and printing not permitted
  zero-pages.pdf         a valid PDF whose page tree is empty (/Count 0)
  many-objects.pdf       one page with 20,000 text objects (BT … ET) of one character each

The encryption follows PDF 1.7 (ISO 32000-1) §7.6.3: algorithm 1 (per-object keys), 2 (file
key), 3 (O), 4 (U, revision 2) and 5 (U, revision 3); every string and stream of every object
is encrypted, the /Encrypt dictionary and /ID are not.
"""
import hashlib
import os
import re
import sys

USER_PASSWORD = b"kaigi"
OWNER_PASSWORD = b"kanri"

# §7.6.3.3, algorithm 2, step a: the padding string.
PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key, data):
    """RC4 (ARCFOUR), as the Standard Security Handler uses it for revisions 2 and 3."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray(len(data))
    i = j = 0
    for n, byte in enumerate(data):
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
    return bytes(out)


def md5(data):
    return hashlib.md5(data).digest()


def padded(password):
    return (password + PAD)[:32]


def owner_entry(owner, user, revision, n):
    """Algorithm 3: the O value."""
    key = md5(padded(owner or user))
    if revision >= 3:
        for _ in range(50):
            key = md5(key[:n])
    key = key[:n]
    o = rc4(key, padded(user))
    if revision >= 3:
        for i in range(1, 20):
            o = rc4(bytes(b ^ i for b in key), o)
    return o


def file_key(user, o, p, doc_id, revision, n):
    """Algorithm 2: the file encryption key from the user password."""
    key = md5(padded(user) + o + (p & 0xFFFFFFFF).to_bytes(4, "little") + doc_id)
    if revision >= 3:
        for _ in range(50):
            key = md5(key[:n])
    return key[:n]


def user_entry(key, doc_id, revision):
    """Algorithm 4 (revision 2) or 5 (revision 3): the U value."""
    if revision == 2:
        return rc4(key, PAD)
    u = rc4(key, md5(PAD + doc_id))
    for i in range(1, 20):
        u = rc4(bytes(b ^ i for b in key), u)
    return u + bytes(16)  # 16 arbitrary bytes of padding


def object_key(key, num, gen):
    """Algorithm 1: the key of one object's strings and streams."""
    digest = md5(key + num.to_bytes(3, "little") + gen.to_bytes(2, "little"))
    return digest[: min(len(key) + 5, 16)]


WHITESPACE = b"\0\t\n\f\r "
DELIMITERS = b"()<>[]{}/%"


def read_literal(buf, i):
    """The literal string starting at buf[i] == '(': (value, index after its ')')."""
    out = bytearray()
    depth = 1
    i += 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while True:
        c = buf[i]
        if c == ord("\\"):
            i += 1
            c = buf[i]
            if c in escapes:
                out.append(escapes[c])
                i += 1
            elif c in b"01234567":
                digits = re.match(rb"[0-7]{1,3}", buf[i : i + 3]).group()
                out.append(int(digits, 8) & 0xFF)
                i += len(digits)
            elif c in b"\r\n":  # a line continuation
                i += 2 if buf[i : i + 2] == b"\r\n" else 1
            else:
                out.append(c)
                i += 1
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1


def scan_object(buf, i):
    """Scans an object body from i: the strings it holds as (start, end, value) and where it
    stops, either at the keyword 'stream' or 'endobj' (returned as the third value)."""
    strings = []
    while i < len(buf):
        c = buf[i]
        if c == ord("%"):
            while i < len(buf) and buf[i] not in b"\r\n":
                i += 1
        elif c == ord("("):
            value, end = read_literal(buf, i)
            strings.append((i, end, value))
            i = end
        elif buf[i : i + 2] in (b"<<", b">>"):
            i += 2
        elif c == ord("<"):
            end = buf.index(b">", i)
            hexdigits = re.sub(rb"\s", b"", buf[i + 1 : end])
            if len(hexdigits) % 2:
                hexdigits += b"0"
            strings.append((i, end + 1, bytes.fromhex(hexdigits.decode())))
            i = end + 1
        elif c in WHITESPACE or c in DELIMITERS:
            i += 1
        else:
            start = i
            while i < len(buf) and buf[i] not in WHITESPACE and buf[i] not in DELIMITERS:
                i += 1
            if buf[start:i] in (b"stream", b"endobj"):
                return strings, start, buf[start:i]
    raise ValueError("object without endobj")


def read_xref(data):
    """The in-use objects of a classic xref table: {number: (offset, generation)}, and the
    trailer dictionary's text."""
    start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    if not data.startswith(b"xref", start):
        raise ValueError("not a classic xref table (object streams are not supported)")
    i = start + 4
    objects = {}
    while True:
        m = re.compile(rb"\s*(\d+) (\d+)\s*\n").match(data, i)
        if not m:
            break
        first, count = int(m.group(1)), int(m.group(2))
        i = m.end()
        for k in range(count):
            entry = data[i : i + 20]
            if entry[17:18] == b"n":
                objects[first + k] = (int(entry[:10]), int(entry[11:16]))
            i += 20
    trailer_start = data.index(b"trailer", i)
    trailer = data[trailer_start : data.index(b"startxref", trailer_start)]
    return objects, trailer


def stream_length(data, objects, head):
    m = re.search(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?", head)
    if not m.group(2):
        return int(m.group(1))
    offset, _ = objects[int(m.group(1))]
    return int(re.compile(rb"\d+ \d+ obj\s+(\d+)\s+endobj").match(data, offset).group(1))


def encrypt_pdf(data, user, owner, revision, permissions):
    """data encrypted with the Standard Security Handler (revision 2: 40-bit, 3: 128-bit)."""
    n = 5 if revision == 2 else 16
    objects, trailer = read_xref(data)
    doc_id = md5(b"kaigi2xlsx bad input " + user + b"/" + owner + bytes([revision]))
    o = owner_entry(owner, user, revision, n)
    key = file_key(user, o, permissions, doc_id, revision, n)
    u = user_entry(key, doc_id, revision)

    order = sorted(objects, key=lambda num: objects[num][0])
    out = bytearray(data[: objects[order[0]][0]])
    offsets = {}
    for num in order:
        offset, gen = objects[num]
        header = re.compile(rb"(\d+) (\d+) obj").match(data, offset)
        okey = object_key(key, num, gen)
        strings, stop, keyword = scan_object(data, header.end())
        piece = bytearray()
        pos = offset
        for start, end, value in strings:
            piece += data[pos:start] + b"<" + rc4(okey, value).hex().encode() + b">"
            pos = end
        if keyword == b"stream":
            begin = stop + len(b"stream")
            begin += 2 if data[begin : begin + 2] == b"\r\n" else 1
            length = stream_length(data, objects, data[offset:stop])
            piece += data[pos:begin] + rc4(okey, data[begin : begin + length])
            pos = begin + length
        end = data.index(b"endobj", pos) + len(b"endobj")
        piece += data[pos:end] + b"\n"
        offsets[num] = (len(out), gen)
        out += piece

    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
    encrypt = size
    offsets[encrypt] = (len(out), 0)
    v, bits = (1, 40) if revision == 2 else (2, 128)
    out += (
        b"%d 0 obj\n<< /Filter /Standard /V %d /R %d /Length %d /P %d\n"
        b"   /O <%s>\n   /U <%s> >>\nendobj\n"
        % (encrypt, v, revision, bits, permissions, o.hex().encode(), u.hex().encode())
    )
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (size + 1)
    for num in range(1, size + 1):
        if num in offsets:
            out += b"%010d %05d n \n" % offsets[num]
        else:
            out += b"0000000000 00000 f \n"
    root = re.search(rb"/Root\s+\d+\s+\d+\s+R", trailer).group()
    info = re.search(rb"/Info\s+\d+\s+\d+\s+R", trailer)
    out += b"trailer\n<< /Size %d\n   %s\n" % (size + 1, root)
    if info:
        out += b"   %s\n" % info.group()
    out += b"   /Encrypt %d 0 R\n   /ID [<%s> <%s>]\n>>\n" % (
        encrypt, doc_id.hex().encode(), doc_id.hex().encode())
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def build_pdf(objects):
    """A PDF of the given object bodies (object 1 first, the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def stream(content):
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def zero_pages():
    return build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                      b"<< /Type /Pages /Kids [] /Count 0 >>"])


def many_objects(count=20000):
    """One A4 page with count text objects of one letter each, on a grid of tiny glyphs."""
    ops = []
    columns = 200
    for k in range(count):
        x = 10 + (k % columns) * 2.8
        y = 830 - (k // columns) * 8
        letter = b"abcdefghijklmnopqrstuvwxyz"[k % 26 : k % 26 + 1]
        ops.append(b"BT /F1 4 Tf %.1f %.1f Td (%s) Tj ET" % (x, y, letter))
    content = b"\n".join(ops)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89]\n"
        b"   /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ])


def bad_xref(data):
    """data with every in-use xref offset moved 7 bytes on, into the middle of a line."""
    start = int(re.search(rb"startxref\s+(\d+)", data[-64:]).group(1))

    def shift(m):
        return b"%010d %s n" % (int(m.group(1)) + 7, m.group(2))

    return data[:start] + re.sub(rb"(\d{10}) (\d{5}) n", shift, data[start:])


def bad_startxref(data):
    """data with startxref pointing into the first stream instead of at the xref table."""
    inside = data.index(b"stream") + 20
    return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % inside, data)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_bad_inputs.py GOOD.pdf OUTDIR")
    with open(sys.argv[1], "rb") as f:
        good = f.read()
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    eof = good.rindex(b"%%EOF")
    # Permission bits (§7.6.3.2, table 22): all granted, or neither printing (3, 12) nor
    # copying (5, 10) nor changes (4, 6, 9, 11).
    allow_all, read_only = -4, -3904
    files = {
        "empty.pdf": b"",
        "text.pdf": "これはPDFではありません。 This is not a PDF.\n".encode(),
        "trunc-10.pdf": good[: len(good) // 10],
        "trunc-50.pdf": good[: len(good) // 2],
        "trunc-90.pdf": good[: len(good) * 9 // 10],
        "trunc-eof.pdf": good[:eof],
        "bad-xref.pdf": bad_xref(good),
        "bad-startxref.pdf": bad_startxref(good),
        "enc-user-128.pdf": encrypt_pdf(good, USER_PASSWORD, OWNER_PASSWORD, 3, allow_all),
        "enc-user-40.pdf": encrypt_pdf(good, USER_PASSWORD, OWNER_PASSWORD, 2, allow_all),
        "enc-owner-128.pdf": encrypt_pdf(good, b"", OWNER_PASSWORD, 3, read_only),
        "enc-owner-40.pdf": encrypt_pdf(good, b"", OWNER_PASSWORD, 2, read_only),
        "zero-pages.pdf": zero_pages(),
        "many-objects.pdf": many_objects(),
    }
    for name, content in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(content)


if __name__ == "__main__":
    main()
