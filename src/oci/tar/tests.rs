//! Expected bytes come from real buildah 1.28.2 runs on this machine kind
//! (Debian 12, `buildah --storage-driver vfs bud --layers --timestamp 0
//! --isolation chroot`, and `buildah from`/`mount`/`commit --timestamp 0`
//! for the layers that COPY cannot make), read back with a small Python
//! header dump. tests/oci_buildah.rs repeats the comparison live.

use std::io::Write;

use super::read::{normalize, pax_time};
use super::write::{pax_data, split_ustar};
use super::*;
use crate::oci::digest::Digest;

fn blocks(tar: &[u8]) -> Vec<&[u8]> {
    tar.chunks(512).collect()
}

fn field(b: &[u8], r: std::ops::Range<usize>) -> &[u8] {
    &b[r]
}

fn hdr(e: &Entry) -> Vec<u8> {
    write_tar(std::slice::from_ref(e)).unwrap()
}

fn rep(c: char, n: usize) -> String {
    c.to_string().repeat(n)
}

/// The first layer of a `FROM scratch` + `COPY . /` build whose context holds
/// every entry kind COPY can make (buildah's COPY drops setuid bits, so
/// `run.sh` was 04755 in the context and is 0755 here).
fn buildah_layer1() -> Vec<Entry> {
    let d90 = rep('d', 90);
    let e90 = rep('e', 90);
    vec![
        Entry::file(&rep('L', 120), &b"l\n"[..], 0o644),
        Entry::dir("a", 0o755),
        Entry::dir("a/b", 0o755),
        Entry::file("a/b/f", &b"x\n"[..], 0o644),
        Entry::file("a-b", &b"z\n"[..], 0o644),
        Entry::dir("a-c", 0o755),
        Entry::file("a-c/g", &b"y\n"[..], 0o644),
        Entry::file("a.b", &b"q\n"[..], 0o644),
        Entry::file("a.txt", &b"hi\n"[..], 0o644),
        Entry::dir("dir", 0o755),
        Entry::file("dir/empty", &b""[..], 0o644),
        Entry::hardlink("hard", "a.txt", 0o644),
        Entry::symlink("link", "a.txt"),
        Entry::dir("p1", 0o755),
        Entry::dir(&format!("p1/{d90}"), 0o755),
        Entry::dir(&format!("p1/{d90}/{e90}"), 0o755),
        Entry::file(&format!("p1/{d90}/{e90}/file"), &b"m\n"[..], 0o644),
        Entry::file("run.sh", &b"#!/bin/sh\n"[..], 0o755),
        Entry::dir("ünï", 0o755),
        Entry::file("ünï/fïlé", &b"u\n"[..], 0o644),
    ]
}

const LAYER1_DIFF_ID: &str =
    "sha256:4a1153a11a4e0eebe84c8155105ea969c9f976afcd935a1fa00b0157a62f5e70";

/// A `buildah from scratch`, files made in the mounted root (setuid, sticky,
/// big ids, long and non-ASCII link targets), `buildah commit --timestamp 0`.
fn buildah_layer4() -> Vec<Entry> {
    let h = rep('h', 110);
    vec![
        Entry::file("big", &b"b\n"[..], 0o644).with_owner(3_000_000, 2_097_152),
        Entry::dir(&h, 0o755),
        Entry::file(&format!("{h}/f"), &b"h\n"[..], 0o644),
        Entry::symlink("longlink", &rep('T', 130)),
        Entry::file("okuid", &b"c\n"[..], 0o644).with_owner(2_097_151, 1000),
        Entry::dir("sg", 0o3775),
        Entry::file("suid", &b"s\n"[..], 0o4755),
        Entry::symlink("uniclink", "tärget"),
        Entry::hardlink("zhard", &format!("{h}/f"), 0o644),
    ]
}

const LAYER4_DIFF_ID: &str =
    "sha256:b7b0f7be50fec107ccfe664bc5223c66aa422ad46ff67cba6fb52e2a056e39a9";

/// A second `COPY . /` on top of layer 1 (a diff against a parent: changes
/// order).
fn buildah_layer2() -> Vec<Entry> {
    vec![
        Entry::dir("a", 0o755),
        Entry::file("a-b2", &b"2\n"[..], 0o644),
        Entry::file("a.z", &b"3\n"[..], 0o644),
        Entry::dir("a/x", 0o755),
        Entry::file("a/x/y", &b"1\n"[..], 0o644),
        Entry::dir("zz", 0o755),
        Entry::file("zz/q", &b"4\n"[..], 0o644),
    ]
}

const LAYER2_DIFF_ID: &str =
    "sha256:25962e250ffed4a84d86f36fa0b7d64c983495a83536affc1dbf2516330d2cb9";

/// `rm -rf a.txt a-c a/b/f zz/q` and a new `a/new` in the mounted root of
/// the layer-2 image, then `buildah commit --timestamp 0`.
fn buildah_layer3() -> Vec<Entry> {
    vec![
        Entry::dir("a", 0o755),
        Entry::whiteout("a-c"),
        Entry::whiteout("a.txt"),
        Entry::dir("a/b", 0o755),
        Entry::whiteout("a/b/f"),
        Entry::file("a/new", &b"new\n"[..], 0o644),
        Entry::dir("zz", 0o755),
        Entry::whiteout("zz/q"),
    ]
}

const LAYER3_DIFF_ID: &str =
    "sha256:356cbd2b745318bca474ad140e3d6d629099dbdbebe530ef90bca6cc6aa4d835";

/// Go's corner cases, from a mounted root committed with `--timestamp 0`:
/// a non-ASCII name whose ASCII remainder ends in `/`, a splittable long
/// path forced into PAX by a big uid (the PAX header keeps the whole path,
/// the main header gets it cut at 100, no prefix), and a cut that leaves a
/// `/` in the last byte of the name field (Go writes NUL there).
fn buildah_layer6() -> Vec<Entry> {
    let (p, u, q, r, x) = (
        rep('p', 50),
        rep('ü', 60),
        rep('q', 80),
        rep('r', 80),
        rep('x', 99),
    );
    vec![
        Entry::dir(&p, 0o755),
        Entry::file(&format!("{p}/{u}"), &b"2\n"[..], 0o644),
        Entry::dir(&q, 0o755),
        Entry::dir(&format!("{q}/{r}"), 0o755),
        Entry::file(&format!("{q}/{r}/f"), &b"3\n"[..], 0o644).with_owner(3_000_000, 0),
        Entry::dir(&x, 0o755),
        Entry::file(&format!("{x}/yü"), &b"1\n"[..], 0o644),
    ]
}

const LAYER6_DIFF_ID: &str =
    "sha256:d4f2caa90adb4bad35a52e469e1a40f3f41a6c678366cb76e57b16e36e990a5f";

#[test]
fn go_name_truncation_quirks() {
    let t = write_tar(&buildah_layer6()).unwrap();
    let b = blocks(&t);
    check(b[3], format!("{}/", rep('p', 50)).as_bytes(), b"022217\0 ");
    let qr = format!("{}/{}", rep('q', 80), rep('r', 19));
    check(b[7], qr.as_bytes(), b"034031\0 ");
    assert_eq!(&b[8][..18], b"173 path=qqqqqqqqq");
    check(b[9], qr.as_bytes(), b"035165\0 ");
    assert!(
        b[9][345..500].iter().all(|&c| c == 0),
        "no prefix in a PAX main header"
    );
    check(b[11], format!("{}/", rep('x', 99)).as_bytes(), b"036440\0 ");
    check(b[12], rep('x', 99).as_bytes(), b"035207\0 ");
    check(b[14], rep('x', 99).as_bytes(), b"036350\0 ");
    assert_eq!(b[14][99], 0, "the '/' cut into the last byte becomes NUL");
}

#[test]
fn buildah_layers_byte_for_byte() {
    for (entries, want, size) in [
        (buildah_layer1(), LAYER1_DIFF_ID, 18944),
        (buildah_layer2(), LAYER2_DIFF_ID, 6656),
        (buildah_layer3(), LAYER3_DIFF_ID, 5632),
        (buildah_layer4(), LAYER4_DIFF_ID, 12800),
        (buildah_layer6(), LAYER6_DIFF_ID, 9216),
    ] {
        let tar = write_tar(&entries).unwrap();
        assert_eq!(tar.len(), size);
        assert_eq!(Digest::of(&tar).to_string(), want);
        let layer = write_layer(&entries, Compression::None).unwrap();
        assert_eq!(layer.diff_id.to_string(), want);
        assert_eq!(layer.digest, layer.diff_id);
        assert_eq!(layer.blob, tar);
        assert_eq!(layer.tar_size, size as u64);
        assert_eq!(layer.media_type(), "application/vnd.oci.image.layer.v1.tar");
    }
}

#[test]
fn sort_orders_reproduce_buildah() {
    let mut shuffled = buildah_layer1();
    shuffled.reverse();
    shuffled.rotate_left(7);
    sort_entries(&mut shuffled, SortOrder::Walk);
    assert_eq!(shuffled, buildah_layer1());

    for layer in [buildah_layer2(), buildah_layer3()] {
        let mut s = layer.clone();
        s.reverse();
        sort_entries(&mut s, SortOrder::Changes);
        assert_eq!(s, layer);
    }
    let mut s = buildah_layer4();
    s.reverse();
    sort_entries(&mut s, SortOrder::Walk);
    assert_eq!(s, buildah_layer4());

    // The two orders differ exactly on names with bytes below '/'.
    let mut w = vec![
        Entry::file("a-c", &b""[..], 0),
        Entry::dir("a", 0),
        Entry::file("a/b", &b""[..], 0),
    ];
    let mut c = w.clone();
    sort_entries(&mut w, SortOrder::Walk);
    sort_entries(&mut c, SortOrder::Changes);
    let names = |v: &[Entry]| v.iter().map(|e| e.path.clone()).collect::<Vec<_>>();
    assert_eq!(names(&w), ["a", "a/b", "a-c"]);
    assert_eq!(names(&c), ["a", "a-c", "a/b"]);
}

#[test]
fn opaque_sorts_right_after_its_directory() {
    for order in [SortOrder::Walk, SortOrder::Changes] {
        let mut v = vec![
            Entry::file("d/a", &b""[..], 0o644),
            Entry::file("d-x", &b""[..], 0o644),
            Entry::opaque("d", 0o755),
            Entry::dir("d", 0o755),
            Entry::opaque("", 0o755),
        ];
        sort_entries(&mut v, order);
        let names: Vec<String> = v.iter().map(Entry::tar_name).collect();
        let want: &[&str] = match order {
            SortOrder::Walk => &[".wh..wh..opq", "d/", "d/.wh..wh..opq", "d/a", "d-x"],
            SortOrder::Changes => &[".wh..wh..opq", "d/", "d/.wh..wh..opq", "d-x", "d/a"],
        };
        assert_eq!(names, want, "{order:?}");
    }
}

/// (header name field, checksum field) pairs buildah wrote.
fn check(block: &[u8], name: &[u8], chksum: &[u8]) {
    let n = block[..100].iter().position(|&b| b == 0).unwrap_or(100);
    assert_eq!(&block[..n], name, "name");
    assert_eq!(
        field(block, 148..156),
        chksum,
        "checksum of {:?}",
        String::from_utf8_lossy(name)
    );
}

#[test]
fn file_header_bytes() {
    let t = hdr(&Entry::file("a.txt", &b"hi\n"[..], 0o644));
    let b = blocks(&t);
    assert_eq!(b.len(), 4, "header, data, two zero blocks");
    check(b[0], b"a.txt", b"010160\0 ");
    assert_eq!(field(b[0], 100..108), b"0100644\0");
    assert_eq!(field(b[0], 108..116), b"0000000\0");
    assert_eq!(field(b[0], 116..124), b"0000000\0");
    assert_eq!(field(b[0], 124..136), b"00000000003\0");
    assert_eq!(field(b[0], 136..148), b"00000000000\0");
    assert_eq!(b[0][156], b'0');
    assert_eq!(field(b[0], 257..265), b"ustar\x0000");
    assert_eq!(
        field(b[0], 265..329),
        &[0u8; 64][..],
        "uname and gname empty"
    );
    assert_eq!(field(b[0], 329..345), b"0000000\x000000000\0");
    assert!(b[0][345..].iter().all(|&c| c == 0));
    assert_eq!(&b[1][..3], b"hi\n");
    assert!(b[1][3..].iter().all(|&c| c == 0));
    assert!(b[2].iter().chain(b[3]).all(|&c| c == 0));
}

#[test]
fn dir_symlink_hardlink_header_bytes() {
    let d = hdr(&Entry::dir("a", 0o755));
    check(&d, b"a/", b"007431\0 ");
    assert_eq!(field(&d, 100..108), b"0040755\0");
    assert_eq!(d[156], b'5');

    let s = hdr(&Entry::symlink("link", "a.txt"));
    check(&s, b"link", b"011046\0 ");
    assert_eq!(field(&s, 100..108), b"0120777\0");
    assert_eq!(s[156], b'2');
    assert_eq!(&s[157..163], b"a.txt\0");

    let h = hdr(&Entry::hardlink("hard", "a.txt", 0o644));
    check(&h, b"hard", b"011015\0 ");
    assert_eq!(field(&h, 100..108), b"0100644\0");
    assert_eq!(field(&h, 124..136), b"00000000000\0", "size 0");
    assert_eq!(h[156], b'1');
    assert_eq!(h.len(), 3 * 512, "no data block");
}

#[test]
fn whiteout_and_opaque_header_bytes() {
    let w = hdr(&Entry::whiteout("a.txt").with_owner(5, 5));
    check(&w, b".wh.a.txt", b"010631\0 ");
    assert_eq!(
        field(&w, 100..124),
        b"0000000\x000000000\x000000000\0",
        "mode 0, owner 0:0"
    );
    assert_eq!(w[156], b'0');
    check(&hdr(&Entry::whiteout("a/b/f")), b"a/b/.wh.f", b"010461\0 ");
    check(&hdr(&Entry::whiteout("a-c")), b".wh.a-c", b"010233\0 ");

    let o = hdr(&Entry::opaque("etc", 0o4755).with_owner(1, 2));
    assert_eq!(&o[..17], b"etc/.wh..wh..opq\0");
    assert_eq!(field(&o, 100..124), b"0000755\x000000001\x000000002\0");
    assert_eq!(o[156], b'0');
    let root = hdr(&Entry::opaque("", 0o755));
    assert_eq!(&root[..13], b".wh..wh..opq\0");
}

#[test]
fn mode_bits_and_ids() {
    let t = hdr(&Entry::file("suid", &b"s\n"[..], 0o4755));
    check(&t, b"suid", b"010074\0 ");
    assert_eq!(field(&t, 100..108), b"0104755\0");
    let t = hdr(&Entry::dir("sg", 0o3775));
    check(&t, b"sg/", b"007627\0 ");
    assert_eq!(field(&t, 100..108), b"0043775\0");
    // The largest uid that fits seven octal digits stays USTAR.
    let t = hdr(&Entry::file("okuid", &b"c\n"[..], 0o644).with_owner(2_097_151, 1000));
    check(&t, b"okuid", b"010332\0 ");
    assert_eq!(field(&t, 108..124), b"7777777\x000001750\0");
}

#[test]
fn big_ids_get_pax_records() {
    let t = hdr(&Entry::file("big", &b"b\n"[..], 0o644).with_owner(3_000_000, 2_097_152));
    let b = blocks(&t);
    check(b[0], b"PaxHeaders.0/big", b"010704\0 ");
    assert_eq!(b[0][156], b'x');
    assert_eq!(
        field(b[0], 329..345),
        &[0u8; 16][..],
        "device fields NUL in the x header"
    );
    assert_eq!(&b[1][..30], b"15 gid=2097152\n15 uid=3000000\n");
    check(b[2], b"big", b"007662\0 ");
    assert_eq!(
        field(b[2], 108..124),
        b"0000000\x000000000\0",
        "ids that do not fit are 0"
    );
}

#[test]
fn long_names_prefix_split() {
    let d90 = rep('d', 90);
    let e90 = rep('e', 90);
    let t = hdr(&Entry::dir(&format!("p1/{d90}/{e90}"), 0o755));
    check(&t, format!("{e90}/").as_bytes(), b"053062\0 ");
    assert_eq!(&t[345..345 + 93], format!("p1/{d90}").as_bytes());
    let t = hdr(&Entry::file(
        &format!("p1/{d90}/{e90}/file"),
        &b"m\n"[..],
        0o644,
    ));
    check(&t, format!("{e90}/file").as_bytes(), b"053711\0 ");

    let h = rep('h', 110);
    let t = hdr(&Entry::file(&format!("{h}/f"), &b"h\n"[..], 0o644));
    check(&t, b"f", b"035626\0 ");
    assert_eq!(&t[345..345 + 111], format!("{h}\0").as_bytes());

    assert_eq!(split_ustar("short"), None);
    assert_eq!(
        split_ustar(&format!("/{}", rep('x', 100))),
        None,
        "empty prefix"
    );
    assert_eq!(
        split_ustar(&format!("a/{}", rep('x', 101))),
        None,
        "suffix over 100"
    );
    assert_eq!(
        split_ustar(&format!("{}/x", rep('p', 156))),
        None,
        "prefix over 155"
    );
    let p155 = format!("{}/x", rep('p', 155));
    assert_eq!(split_ustar(&p155), Some((&p155[..155], "x")));
    assert_eq!(
        split_ustar(&format!("ü/{}", rep('x', 100))),
        None,
        "non-ASCII"
    );
}

#[test]
fn long_single_component_gets_pax() {
    let t = hdr(&Entry::file(&rep('L', 120), &b"l\n"[..], 0o644));
    let b = blocks(&t);
    let pax_name = format!("PaxHeaders.0/{}", rep('L', 120));
    check(b[0], &pax_name.as_bytes()[..100], b"025141\0 ");
    assert_eq!(
        &b[1][..130],
        format!("130 path={}\n", rep('L', 120)).as_bytes()
    );
    check(b[2], rep('L', 100).as_bytes(), b"026060\0 ");

    // A directory: the x header is named `<dir>/PaxHeaders.0`, cut at 100.
    let h = rep('h', 110);
    let t = hdr(&Entry::dir(&h, 0o755));
    let b = blocks(&t);
    check(b[0], rep('h', 100).as_bytes(), b"032300\0 ");
    assert_eq!(&b[1][..121], format!("121 path={h}/\n").as_bytes());
    check(b[2], rep('h', 100).as_bytes(), b"033451\0 ");
}

#[test]
fn non_ascii_names_and_targets_get_pax() {
    let t = hdr(&Entry::dir("ünï", 0o755));
    let b = blocks(&t);
    check(b[0], b"n/PaxHeaders.0", b"010377\0 ");
    assert_eq!(&b[1][..15], "15 path=ünï/\n".as_bytes());
    check(b[2], b"n/", b"007446\0 ");

    let t = hdr(&Entry::file("ünï/fïlé", &b"u\n"[..], 0o644));
    let b = blocks(&t);
    check(b[0], b"n/PaxHeaders.0/fl", b"010777\0 ");
    check(b[2], b"n/fl", b"007757\0 ");

    let t = hdr(&Entry::symlink("uniclink", "tärget"));
    let b = blocks(&t);
    check(b[0], b"PaxHeaders.0/uniclink", b"011754\0 ");
    assert_eq!(&b[1][..20], "20 linkpath=tärget\n".as_bytes());
    check(b[2], b"uniclink", b"012014\0 ");
    assert_eq!(&b[2][157..163], b"trget\0");

    let t = hdr(&Entry::symlink("longlink", &rep('T', 130)));
    let b = blocks(&t);
    check(b[0], b"PaxHeaders.0/longlink", b"011753\0 ");
    check(b[2], b"longlink", b"031267\0 ");

    let t = hdr(&Entry::hardlink(
        "zhard",
        &format!("{}/f", rep('h', 110)),
        0o644,
    ));
    let b = blocks(&t);
    check(b[0], b"PaxHeaders.0/zhard", b"011260\0 ");
    check(b[2], b"zhard", b"034470\0 ");
}

#[test]
fn mtime_outside_octal_goes_to_pax() {
    // Go's rules (no buildah run can produce these: --timestamp pins 0).
    let t = hdr(&Entry::file("old", &b""[..], 0o644).with_mtime(-1));
    let b = blocks(&t);
    assert_eq!(b[0][156], b'x');
    assert_eq!(&b[1][..12], b"12 mtime=-1\n");
    assert_eq!(field(b[2], 136..148), b"00000000000\0");
    let t = hdr(&Entry::file("new", &b""[..], 0o644).with_mtime(8i64.pow(11)));
    assert_eq!(&blocks(&t)[1][..20], b"20 mtime=8589934592\n");
    let t = hdr(&Entry::file("ok", &b""[..], 0o644).with_mtime(8i64.pow(11) - 1));
    assert_eq!(t.len(), 3 * 512, "largest octal mtime stays USTAR");
    assert_eq!(field(&t, 136..148), b"77777777777\0");
}

#[test]
fn pax_record_length_counts_itself() {
    // The length field counts its own digits; at 99 → 100 the extra digit
    // makes the record 101 bytes long (Go's second pass).
    assert_eq!(pax_data(&[("path", "a".repeat(5))]), "14 path=aaaaa\n");
    assert_eq!(
        pax_data(&[("path", "a".repeat(90))]),
        format!("99 path={}\n", "a".repeat(90))
    );
    assert_eq!(
        pax_data(&[("path", "a".repeat(91))]),
        format!("101 path={}\n", "a".repeat(91))
    );
}

#[test]
fn writer_rejects_bad_entries() {
    let bad = [
        Entry::file("", &b""[..], 0o644),
        Entry::file("/abs", &b""[..], 0o644),
        Entry::file("./x", &b""[..], 0o644),
        Entry::file("a/../b", &b""[..], 0o644),
        Entry::dir("trailing/", 0o755),
        Entry::file("a//b", &b""[..], 0o644),
        Entry::file("nul\0", &b""[..], 0o644),
        Entry::file("mode", &b""[..], 0o100644),
        Entry::symlink("s", ""),
        Entry::hardlink("h", "../etc/passwd", 0o644),
        Entry::whiteout(""),
        Entry::file("d/.wh.x", &b""[..], 0o644),
    ];
    for (i, e) in bad.iter().enumerate() {
        let mut w = TarWriter::new(Vec::new());
        w.append(&Entry::dir("ok", 0o755)).unwrap();
        let err = w.append(e).unwrap_err();
        match &err {
            TarError::InvalidEntry { index, name, .. } => {
                assert_eq!(*index, 1, "case {i}");
                assert_eq!(name, &e.path);
            }
            other => panic!("case {i}: {other:?}"),
        }
        assert!(err.to_string().starts_with("entry #1 ("), "{err}");
    }
}

#[test]
fn gzip_layer_is_pinned_and_streams() {
    let entries = buildah_layer1();
    let layer = write_layer(&entries, Compression::Gzip).unwrap();
    assert_eq!(layer.diff_id.to_string(), LAYER1_DIFF_ID);
    assert_eq!(layer.digest, Digest::of(&layer.blob));
    assert_eq!(layer.size, layer.blob.len() as u64);
    assert_eq!(layer.tar_size, 18944);
    assert_eq!(
        layer.media_type(),
        "application/vnd.oci.image.layer.v1.tar+gzip"
    );
    // Header: magic, deflate, no flags (no name), mtime 0, XFL 0 (level 6),
    // OS 255.
    assert_eq!(&layer.blob[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    let mut plain = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&layer.blob[..]),
        &mut plain,
    )
    .unwrap();
    assert_eq!(Digest::of(&plain), layer.diff_id);
    // Pinned bytes: a change of backend or level changes every layer digest
    // layerlab has ever printed, so it must be a visible decision.
    assert_eq!(layer.digest.to_string(), GZIP_LAYER1_DIGEST);
}

const GZIP_LAYER1_DIGEST: &str =
    "sha256:07b4af2674cf1aeb0975fd57b9eb9c878844b8297c0d10b935111632581a6284";

#[test]
fn round_trip_plain_and_gzip() {
    let mut entries = buildah_layer1();
    entries.extend(
        buildah_layer3()
            .into_iter()
            .filter(|e| e.kind == EntryKind::Whiteout),
    );
    entries.extend(buildah_layer4());
    entries.extend(buildah_layer6());
    entries.push(Entry::opaque("a", 0o755).with_owner(7, 8));
    entries.push(Entry::opaque("", 0o700));
    entries.push(Entry::file("old", &b"o"[..], 0o600).with_mtime(-5));
    entries.push(Entry::file("future", &b"f"[..], 0o600).with_mtime(1 << 40));
    entries.push(Entry::file(
        &format!("{}/x", rep('q', 300)),
        vec![7u8; 1000],
        0o640,
    ));
    for c in [Compression::None, Compression::Gzip] {
        let layer = write_layer(&entries, c).unwrap();
        let back = read_layer(&layer.blob, &Limits::default()).unwrap();
        assert_eq!(back, entries, "{c:?}");
    }
}

fn raw_header(name: &str, typeflag: u8, size: u64, link: &str) -> [u8; 512] {
    let mut b = [0u8; 512];
    b[..name.len()].copy_from_slice(name.as_bytes());
    b[100..108].copy_from_slice(b"0000644\0");
    b[108..116].copy_from_slice(b"0000000\0");
    b[116..124].copy_from_slice(b"0000000\0");
    b[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    b[136..148].copy_from_slice(b"00000000000\0");
    b[156] = typeflag;
    b[157..157 + link.len()].copy_from_slice(link.as_bytes());
    b[257..265].copy_from_slice(b"ustar\x0000");
    fix_checksum(&mut b);
    b
}

fn fix_checksum(b: &mut [u8; 512]) {
    b[148..156].copy_from_slice(b"        ");
    let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
    b[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

fn archive(parts: &[&[u8]]) -> Vec<u8> {
    let mut v = Vec::new();
    for p in parts {
        v.extend_from_slice(p);
        let rem = p.len() % 512;
        if rem != 0 {
            v.extend(std::iter::repeat_n(0, 512 - rem));
        }
    }
    v.extend([0u8; 1024]);
    v
}

#[test]
fn reader_normalises_context_archives() {
    let tar = archive(&[
        &raw_header("./", b'5', 0, ""),
        &raw_header("./app/", b'5', 0, ""),
        &raw_header("./app/x", b'0', 2, ""),
        b"hi",
        &raw_header("/abs/./y", b'0', 0, ""),
        &raw_header("app/../z", b'0', 0, ""),
        &raw_header("./l", b'1', 0, "./app/x"),
        &raw_header("old/", 0, 0, ""),
    ]);
    let e = read_layer(&tar, &Limits::default()).unwrap();
    let got: Vec<(&str, &EntryKind)> = e.iter().map(|e| (e.path.as_str(), &e.kind)).collect();
    assert_eq!(
        got,
        [
            ("app", &EntryKind::Dir),
            (
                "app/x",
                &EntryKind::File(crate::vfs::Data::from(&b"hi"[..]))
            ),
            ("abs/y", &EntryKind::File(crate::vfs::Data::from(&b""[..]))),
            ("z", &EntryKind::File(crate::vfs::Data::from(&b""[..]))),
            ("l", &EntryKind::Hardlink("app/x".into())),
            ("old", &EntryKind::Dir),
        ]
    );
    assert_eq!(e[0].mode, 0o644);
}

#[test]
fn reader_gnu_long_names() {
    let long = format!("{}/file", rep('g', 200));
    let target = format!("{}/t", rep('k', 150));
    let mut l = raw_header("././@LongLink", b'L', long.len() as u64 + 1, "");
    l[257..265].copy_from_slice(b"ustar  \0");
    fix_checksum(&mut l);
    let mut k = raw_header("././@LongLink", b'K', target.len() as u64, "");
    k[257..265].copy_from_slice(b"ustar  \0");
    fix_checksum(&mut k);
    let mut name_data = long.clone().into_bytes();
    name_data.push(0);
    let tar = archive(&[
        &l,
        &name_data,
        &k,
        target.as_bytes(),
        &raw_header("trunc", b'1', 0, "x"),
    ]);
    let e = read_layer(&tar, &Limits::default()).unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].path, long);
    assert_eq!(e[0].kind, EntryKind::Hardlink(target));
}

#[test]
fn reader_maps_whiteouts() {
    let tar = archive(&[
        &raw_header("a/.wh.gone", b'0', 0, ""),
        &raw_header("a/.wh..wh..opq", b'0', 0, ""),
        &raw_header(".wh..wh..opq", b'0', 0, ""),
        &raw_header(".wh..wh.plnk/", b'5', 0, ""),
        &raw_header(".wh..wh.aufs", b'0', 0, ""),
    ]);
    let e = read_layer(&tar, &Limits::default()).unwrap();
    assert_eq!(e.len(), 3);
    assert_eq!(
        (e[0].path.as_str(), &e[0].kind, e[0].mode),
        ("a/gone", &EntryKind::Whiteout, 0)
    );
    assert_eq!((e[1].path.as_str(), &e[1].kind), ("a", &EntryKind::Opaque));
    assert_eq!((e[2].path.as_str(), &e[2].kind), ("", &EntryKind::Opaque));
    let bad = archive(&[&raw_header("a/.wh.", b'0', 0, "")]);
    let err = read_layer(&bad, &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry #0 (\"a/.wh.\"): a whiteout that names no file"
    );
}

#[test]
fn reader_rejects_escapes() {
    let err = read_layer(
        &archive(&[
            &raw_header("ok", b'5', 0, ""),
            &raw_header("a/../../etc/passwd", b'0', 0, ""),
        ]),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TarError::Escape {
            index: 1,
            name: "a/../../etc/passwd".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "entry #1 (\"a/../../etc/passwd\"): the path escapes the layer root"
    );

    let err = read_layer(
        &archive(&[&raw_header("h", b'1', 0, "../../x")]),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TarError::LinkEscape {
            index: 0,
            name: "h".into(),
            target: "../../x".into()
        }
    );
    // Symlinks may point anywhere: they resolve inside the container.
    let e = read_layer(
        &archive(&[&raw_header("s", b'2', 0, "../../x")]),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(e[0].kind, EntryKind::Symlink("../../x".into()));

    assert_eq!(normalize("/"), Ok(None));
    assert_eq!(normalize("./a/./b/"), Ok(Some("a/b".into())));
    assert_eq!(normalize(".."), Err(()));
}

#[test]
fn reader_rejects_bad_checksum_and_truncation() {
    let mut h = raw_header("file", b'0', 600, "");
    h[0] = b'F';
    let tar = archive(&[&h, &[1u8; 600]]);
    let err = read_layer(&tar, &Limits::default()).unwrap_err();
    assert_eq!(err.to_string(), "entry #0 (\"File\"): bad header checksum");

    let good = archive(&[
        &raw_header("d", b'5', 0, ""),
        &raw_header("file", b'0', 600, ""),
        &[1u8; 600],
    ]);
    let err = read_layer(&good[..512 + 512 + 100], &Limits::default()).unwrap_err();
    assert_eq!(
        err,
        TarError::Truncated {
            index: 1,
            name: "file".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "the archive is truncated in entry #1 (\"file\")"
    );
    let err = read_layer(&good[..512 + 300], &Limits::default()).unwrap_err();
    assert!(
        matches!(err, TarError::Truncated { index: 1, .. }),
        "{err:?}"
    );
    // Ending between entries without the zero blocks is accepted, as Go does.
    assert_eq!(
        read_layer(&good[..512], &Limits::default()).unwrap().len(),
        1
    );

    let gz = write_layer(&buildah_layer1(), Compression::Gzip)
        .unwrap()
        .blob;
    let err = read_layer(&gz[..gz.len() / 2], &Limits::default()).unwrap_err();
    assert!(
        matches!(err, TarError::Gzip(_) | TarError::Truncated { .. }),
        "{err:?}"
    );
}

#[test]
fn reader_stops_a_gzip_bomb() {
    // One header claiming 4 GiB of zeros, of which 16 MiB are present:
    // gzip turns that into ~16 KiB.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
    gz.write_all(&raw_header("bomb", b'0', 4 << 30, ""))
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..16 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let limits = Limits {
        max_expanded_bytes: 4 << 20,
        ..Limits::default()
    };
    let err = read_layer(&bomb, &limits).unwrap_err();
    assert_eq!(
        err,
        TarError::TooLarge {
            index: 0,
            name: "bomb".into(),
            limit: 4 << 20
        }
    );
    assert_eq!(
        err.to_string(),
        "entry #0 (\"bomb\"): the archive expands beyond the limit of 4194304 bytes"
    );

    // Many small entries hit the same bound.
    let files: Vec<Entry> = (0..100)
        .map(|i| Entry::file(&format!("f{i}"), vec![1u8; 1000], 0o644))
        .collect();
    let many = write_layer(&files, Compression::Gzip).unwrap().blob;
    let err = read_layer(
        &many,
        &Limits {
            max_expanded_bytes: 50 * 1024,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, TarError::TooLarge { index: 33, .. }),
        "{err:?}"
    );
}

#[test]
fn reader_limits_entries_and_paths() {
    let tar = write_tar(
        &(0..10)
            .map(|i| Entry::dir(&format!("d{i}"), 0o755))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let err = read_layer(
        &tar,
        &Limits {
            max_entries: 4,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        TarError::TooManyEntries {
            index: 4,
            name: "d4/".into(),
            limit: 4
        }
    );

    let tar = write_tar(&[Entry::file(&rep('p', 300), &b""[..], 0o644)]).unwrap();
    let err = read_layer(
        &tar,
        &Limits {
            max_path_len: 200,
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        TarError::PathTooLong {
            index: 0,
            len: 300,
            limit: 200
        }
    );
    assert_eq!(
        err.to_string(),
        "entry #0: a path of 300 bytes is longer than the limit of 200"
    );
}

#[test]
fn reader_rejects_unsupported_types() {
    let err = read_layer(
        &archive(&[&raw_header("dev/null", b'3', 0, "")]),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry #0 (\"dev/null\"): character device entries are not supported"
    );
    let err = read_layer(
        &archive(&[&raw_header("p", b'6', 0, "")]),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TarError::Unsupported { .. }));
}

#[test]
fn reader_pax_details() {
    assert_eq!(pax_time(b"12"), Some(12));
    assert_eq!(pax_time(b"12.5"), Some(12));
    assert_eq!(pax_time(b"-1.5"), Some(-2));
    assert_eq!(pax_time(b"-1.0"), Some(-1));
    assert_eq!(pax_time(b"x"), None);
    let mut x = raw_header("PaxHeaders.0/f", b'x', 9, "");
    x[100..108].copy_from_slice(b"0000000\0");
    fix_checksum(&mut x);
    let err = read_layer(
        &archive(&[&x, b"9 path=f\n", &raw_header("f", b'0', 0, "")]),
        &Limits::default(),
    );
    assert!(err.is_ok(), "{err:?}");
    let err = read_layer(
        &archive(&[&x, b"99 path=f", &raw_header("f", b'0', 0, "")]),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TarError::BadHeader { .. }), "{err:?}");
}
