//! The same build gives the same bytes natively and in the browser: the
//! digests below were printed by the native build (`cargo test --test
//! build_digests -- --nocapture`) and the wasm32 run in headless Chromium must
//! reproduce them exactly. A change to any layer, config or manifest byte —
//! on either target — fails here.

use layerlab::build::{Request, build, store::MemoryStore};
use layerlab::vfs::{Fs, Meta};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

const DOCKERFILE: &str = r#"FROM alpine:3.20 AS base
ARG VERSION=1.2.3
ENV APP_HOME=/srv/app VERSION=$VERSION
WORKDIR $APP_HOME
COPY --chown=1000:1000 app/ ./
COPY <<EOF /etc/motd
hello from a heredoc
EOF
ADD vendor.tar /opt/
RUN echo not simulated yet
LABEL org.opencontainers.image.title="digest test" version=$VERSION
EXPOSE 8080 9000-9001/udp
USER 1000
HEALTHCHECK --interval=30s CMD wget -q -O- http://localhost:8080/ || exit 1
CMD ["./server", "--port", "8080"]

FROM scratch
COPY --from=base /srv/app /app
COPY --from=base /bin/busybox /bin/sh
ENTRYPOINT ["/bin/sh"]
"#;

fn context() -> Fs {
    let mut fs = Fs::new();
    let m = Meta::new;
    fs.mkdir_all("/app/static/css", m(0o755)).unwrap();
    fs.write_file("/app/server", &b"#!/bin/sh\necho serving\n"[..], m(0o755))
        .unwrap();
    fs.write_file("/app/static/index.html", &b"<h1>hi</h1>\n"[..], m(0o644))
        .unwrap();
    fs.write_file("/app/static/css/site.css", &b"body{}\n"[..], m(0o644))
        .unwrap();
    fs.write_file("/app/données-ünïcode.txt", &b"utf-8 name\n"[..], m(0o600))
        .unwrap();
    let long = format!(
        "/app/{}file-with-a-long-name.txt",
        "very-long-directory-name/".repeat(5)
    );
    fs.mkdir_all(&long[..long.rfind('/').unwrap()], m(0o755))
        .unwrap();
    fs.write_file(&long, &b"deep\n"[..], m(0o644)).unwrap();
    fs.symlink("static/index.html", "/app/index.html", m(0o777))
        .unwrap();
    // A tar in the context, which ADD unpacks.
    let tar = layerlab::oci::tar::write_tar(&[
        layerlab::oci::tar::Entry::dir("lib", 0o755),
        layerlab::oci::tar::Entry::file("lib/vendor.js", &b"export default 1;\n"[..], 0o644),
    ])
    .unwrap();
    fs.write_file("/vendor.tar", tar, m(0o644)).unwrap();
    fs
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn the_same_build_gives_the_same_digests_on_every_target() {
    let ctx = context();
    let mut store = MemoryStore::new();
    let built = build(&Request::new(DOCKERFILE, &ctx), &mut store, &mut ())
        .unwrap_or_else(|(e, _)| panic!("build failed: {e}"));
    let mut got = vec![
        format!("image {}", built.image.id()),
        format!("manifest {}", built.image.manifest_digest),
    ];
    for l in &built.image.layers {
        got.push(format!("layer {} {} {}", l.diff_id, l.digest, l.size));
    }
    for s in &built.steps {
        if let Some(l) = &s.layer {
            got.push(format!("step {} {}", s.text, l.diff_id));
        }
    }
    // The base image the catalog stored on the way (alpine's one big layer).
    for img in layerlab::build::store::Store::images(&store) {
        got.push(format!("stored {} {}", img.tags.join(","), img.manifest));
    }
    let got = got.join("\n");
    println!("{got}");
    assert_eq!(got, EXPECTED.trim());
}

const EXPECTED: &str = r#"
image sha256:2d5ed1316c2f8035a72e504bf26bd80bba7de8765f8279feed91fac043b520f4
manifest sha256:b64b64d4cb01ba008fae11093e0feca1f6e1c6cfe803fb4adf4c71ff6cb4726f
layer sha256:600327b3ff9a73529186578bfced664fbbe8bced273027812108e32091d1ee21 sha256:9efa9585be1f71054b083aae30eea7a1a2ea0c5be91cdd8d7c4310f47db9bf96 516
layer sha256:5fdfb954caf5388ce6c0e81347dec20bcb1a788a1d4a6c88fe23f9155a715060 sha256:87c5a3712518174affe3027e00ceacf88f3fd9f2333a851c1be07a3d00abc2af 331169
step WORKDIR /srv/app sha256:de87aaac9a19eed9af8e7d6751c6170d7957ad80325fab5e5f79611eda7d3dc3
step COPY --chown=1000:1000 app/ ./ sha256:58fa14b1f52e827cbaa295bca805b3b4869a71919a854fa07700b3703d472102
step COPY <<EOF /etc/motd sha256:b3bd0ba59b6676384ddf7218ca2c7c7a65b825a851fe86cabcd1187e8edf6f28
step ADD vendor.tar /opt/ sha256:f2c828c918f35f24a4421855e7a433522d3ea156023379a5065860112be641b4
step RUN echo not simulated yet sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef
step COPY --from=base /srv/app /app sha256:600327b3ff9a73529186578bfced664fbbe8bced273027812108e32091d1ee21
step COPY --from=base /bin/busybox /bin/sh sha256:5fdfb954caf5388ce6c0e81347dec20bcb1a788a1d4a6c88fe23f9155a715060
stored  sha256:b64b64d4cb01ba008fae11093e0feca1f6e1c6cfe803fb4adf4c71ff6cb4726f
stored docker.io/library/alpine:3.20 sha256:d0507c63e7229bcaf3890ccd64dc9569b7c14b1ca47a010862407c8f28e7a3dd
"#;
