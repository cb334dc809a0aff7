#!/usr/bin/env python3
"""Draws Souq's app icon (a gold shopping bag with an arched window on deep teal) and
writes the PNG, ICO and ICNS files Tauri bundles. Standard library only: run it again
after changing the drawing."""
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).parent
TEAL = (14, 92, 99)
GOLD = (232, 180, 80)
CREAM = (250, 240, 220)


def inside(x, y):
    """The colour at (x, y) in unit coordinates, or None for transparent."""
    # Rounded square background.
    r = 0.2
    cx, cy = min(max(x, r), 1 - r), min(max(y, r), 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    # Bag handle: a ring above the bag.
    hx, hy = x - 0.5, y - 0.34
    if 0.11 ** 2 <= hx * hx + hy * hy <= 0.15 ** 2 and y < 0.36:
        return GOLD
    # Bag body: a trapezoid.
    if 0.34 <= y <= 0.80:
        t = (y - 0.34) / 0.46
        half = 0.25 + 0.05 * t
        if abs(x - 0.5) <= half:
            # An arched window, as in a souq's doorway.
            ax, ay = x - 0.5, y - 0.55
            if abs(ax) <= 0.08 and 0.55 <= y <= 0.72 or ax * ax + ay * ay <= 0.08 ** 2:
                return CREAM
            return GOLD
    return TEAL


def render(size, samples=4):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    c = inside((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = samples * samples
            alpha = acc[3] // n
            if alpha:
                covered = acc[3] // 255
                row += bytes([acc[0] // covered, acc[1] // covered, acc[2] // covered, alpha])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return png(size, b"".join(rows))


def png(size, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def ico(images):
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, data = b"", b""
    for size, blob in images:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset + len(data))
        data += blob
    return header + entries + data


def icns(images):
    body = b""
    for kind, blob in images:
        body += kind + struct.pack(">I", len(blob) + 8) + blob
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main():
    sizes = {32: None, 128: None, 256: None, 512: None}
    for size in sizes:
        sizes[size] = render(size)
    (HERE / "32x32.png").write_bytes(sizes[32])
    (HERE / "128x128.png").write_bytes(sizes[128])
    (HERE / "128x128@2x.png").write_bytes(sizes[256])
    (HERE / "icon.png").write_bytes(sizes[512])
    (HERE / "icon.ico").write_bytes(ico([(32, sizes[32]), (256, sizes[256])]))
    (HERE / "icon.icns").write_bytes(icns([(b"ic07", sizes[128]), (b"ic08", sizes[256]), (b"ic09", sizes[512])]))


if __name__ == "__main__":
    main()
