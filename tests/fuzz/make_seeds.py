#!/usr/bin/python3
"""Writes the committed seed corpus of the fuzz harnesses (tests/fuzz/corpus/<harness>/).

Small, valid inputs of each surface so that the fuzzer starts from the formats' shapes instead of
discovering "TFL3" or "100 2 360" by chance: WFDB records in the layout of tests/io/test_wfdb.cpp,
CSV text like the NAB and metering files, SenML packs (RFC 8428 section 5.1),
the .tflite models committed in
tests/golden/tflite_models.hpp, the WAVE files of tests/golden/io_wav.hpp, time cells and POSIX TZ rules, and one selector byte per operator
of fuzz_snapshot.cpp. Run it from anywhere; it rewrites the corpus folders.
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def encode_212(samples):
    out = bytearray()
    for i in range(0, len(samples), 2):
        a = samples[i] & 0xFFF
        c = samples[i + 1] & 0xFFF if i + 1 < len(samples) else 0
        out += bytes([a & 0xFF, ((a >> 8) & 0x0F) | ((c >> 4) & 0xF0)])
        if i + 1 < len(samples):
            out.append(c & 0xFF)
    return bytes(out)


def annotations():
    def word(code, d):
        return struct.pack("<H", (code << 10) | (d & 0x3FF))
    return (word(28, 18) + word(63, 3) + b"(N\0\0" + word(1, 77) + word(60, 1) + word(59, 0)
            + bytes([0x01, 0x00, 0xA0, 0x86]) + word(5, 5) + word(0, 0))


def wfdb_input(header, signal):
    h = header.encode()
    return struct.pack("<H", len(h)) + h + signal


def wfdb():
    ecg = [((i * 37) % 400) - 200 + (900 if i % 90 == 0 else 0) for i in range(240)]
    header_100 = ("# comment\n100 2 360 120\n100.dat 212 200 11 1024 995 -22131 0 MLII\r\n\n"
                  "100.dat 212 200 11 1024 1011 20052 0 V5\n# 69 M 1085 1629 x1\n")
    write("fuzz_wfdb", "record_212", wfdb_input(header_100, encode_212(ecg)))
    write("fuzz_wfdb", "record_16", wfdb_input(
        "x 1 500/10(3) 100\nx.dat 16 100(-5)/uV 16 2 7 123 0 chest lead II\n",
        b"".join(struct.pack("<h", v * 7) for v in ecg[:100])))
    write("fuzz_wfdb", "defaults", wfdb_input("rec 1\nrec.dat 16\n", annotations()))
    write("fuzz_wfdb", "annotations", wfdb_input("", annotations()))


def csv():
    write("fuzz_csv", "nab", "timestamp,value\n2014-04-01 00:00:00,19.761251902999999\n"
          "2014-04-01 00:05:00,20.500833287\n2014-04-01 00:10:00,\n")
    write("fuzz_csv", "quoted", '"a ""quoted"" name",b,c\r\n" 1.5e3 ",-.5,+7\r\n\r\n,,\n1e400,1e-400,nan\n')
    write("fuzz_csv", "numbers", "-12,3.5,.5,1e-3,2.2250738585072014e-308,4.9e-324,1.7976931348623157e308\n")


def senml():
    # RFC 8428 section 5.1's packs and the reader's corners: escapes, UTF-8, unknown nested
    # fields, sums, base-only records, a must-understand field and a newer version.
    write("fuzz_senml", "rfc_datapoints",
          '[{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"A","bver":5,'
          '"n":"voltage","u":"V","v":120.1},{"n":"current","t":-5,"v":1.2},{"n":"current","t":-4,"v":1.3}]')
    write("fuzz_senml", "rfc_measurements",
          '[\n {"bn":"urn:dev:ow:10e2073a01080063","bt":1.320067464e+09,\n  "bu":"%RH","v":20},\n'
          ' {"u":"lon","v":24.30621},\n {"u":"lat","v":60.07965},\n {"t":60,"v":20.3},\n'
          ' {"u":"%EL","t":150,"v":98}\n]\n')
    write("fuzz_senml", "rfc_types",
          '[{"bn":"urn:dev:ow:10e2073a01080063:","n":"temp","u":"Cel","v":23.1},'
          '{"n":"label","vs":"Machine Room"},{"n":"open","vb":false},{"n":"nfc-reader","vd":"aGkgCg"}]')
    write("fuzz_senml", "rfc_actuator",
          '[{"bn":"2001:db8::2/","bt":1.320078429e+09},{"n":"temp","u":"Cel","v":23.1},'
          '{"n":"heat","u":"/","v":1},{"n":"fan","u":"/","v":0}]')
    write("fuzz_senml", "corners",
          '[ {"bn":"dev:1/","bv":100,"bs":10,"bu":"W","n":"p","v":-0.5e-3,"s":2,"ut":60},\r\n'
          r'{"n":"q","vs":"café \"x\" \u00e9\t","ext":{"a":[1,true,null,{"b":"c"}],"d":[]}},'
          '{"n":"r","vb":true,"t":-1e1},{"bt":268435456},{"n":"e","s":1E+2}]')
    write("fuzz_senml", "refused", '[{"n":"x","v":1,"foo_":2},{"bver":11,"n":"y","v":01}]')
    write("fuzz_senml", "empty", '[]')
    write("fuzz_senml", "overflow", '[{"bt":1e308,"bv":-1e308,"bs":1e308},{"n":"x","t":1e308,"v":-1e308,"s":1e308}]')
    write("fuzz_senml", "escaped_name", r'[{"\u006e":"x","v":1},{"n":"a\/b","v":2}]')


def tflite():
    text = open(os.path.join(ROOT, "tests", "golden", "tflite_models.hpp")).read()
    for name, body in re.findall(r"unsigned char (\w+_model)\[\d+\] = \{([^}]*)\}", text):
        write("fuzz_tflite", name, bytes(int(v) for v in re.findall(r"\d+", body)))


def timestamp():
    cells = ["2021-03-28 01:00", "2021-03-28T01:00:00.250", "2021-03-28T01:00:00Z",
             "2021-03-28T03:00:00+02:00", "2021-10-31 02:00:00+0100", "2021-10-31 02:30:00-05",
             "\"2021-02-29 00:00\"", "1970-01-01 00:00:00"]
    zones = ["CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0", "UTC0", "<+0530>-5:30",
             "AEST-10AEDT,M10.1.0,M4.1.0/3", "XXX3YYY,J60/-167,300/167", "Europe/Berlin"]
    for i, c in enumerate(cells):
        write("fuzz_timestamp", "cell_%d" % i, c + "\n" + zones[i % len(zones)])
    write("fuzz_timestamp", "cell_only", cells[0])


def snapshot():
    # fuzz_snapshot.cpp: byte 0 picks the operator (low 4 bits) and how the rest is applied
    # (bits 4-5); the rest patches the payload of a warmed-up snapshot.
    for op in range(12):
        for mode in range(3):
            write("fuzz_snapshot", "op%02d_mode%d" % (op, mode), bytes([op | (mode << 4), 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]))


def wav():
    # The golden WAVE files of tests/golden/io_wav.hpp (Python's wave module, scipy, extensible).
    text = open(os.path.join(ROOT, "tests", "golden", "io_wav.hpp")).read()
    for name, body in re.findall(r"std::uint8_t (\w+)_bytes\[\] = \{([^}]*)\}", text):
        write("fuzz_wav", name, bytes(int(v) for v in re.findall(r"\d+", body)))


if __name__ == "__main__":
    wav()
    wfdb()
    csv()
    senml()
    tflite()
    timestamp()
    snapshot()
