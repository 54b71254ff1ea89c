//! The JSON fixtures in tests/data/oci/ are blobs buildah 1.28.2 wrote
//! (`buildah bud --layers --timestamp 0 …`, then `buildah push` to an `oci:`
//! layout, or with `--format docker` to a `dir:` destination); their file
//! names say which. Go wrote those bytes, so re-serialising must give them
//! back exactly.

use std::collections::BTreeMap;

use super::*;

const OCI_CONFIG: &[u8] = include_bytes!("../../../tests/data/oci/buildah-oci-config.json");
const OCI_CONFIG_3: &[u8] =
    include_bytes!("../../../tests/data/oci/buildah-oci-config-3-layers.json");
const OCI_MANIFEST: &[u8] = include_bytes!("../../../tests/data/oci/buildah-oci-manifest.json");
const DOCKER_CONFIG: &[u8] = include_bytes!("../../../tests/data/oci/buildah-docker-config.json");
const DOCKER_MANIFEST: &[u8] =
    include_bytes!("../../../tests/data/oci/buildah-docker-manifest.json");

fn set(keys: &[&str]) -> BTreeMap<String, Empty> {
    keys.iter().map(|k| (k.to_string(), Empty {})).collect()
}

#[test]
fn buildah_json_round_trips_byte_for_byte() {
    for bytes in [OCI_CONFIG, OCI_CONFIG_3] {
        let c = ImageConfig::from_json(bytes).unwrap();
        assert_eq!(
            String::from_utf8(c.to_json_bytes()).unwrap(),
            String::from_utf8(bytes.to_vec()).unwrap()
        );
        assert_eq!(c.id(), Digest::of(bytes));
    }
    let m = Manifest::from_json(OCI_MANIFEST).unwrap();
    assert_eq!(m.to_json_bytes(), OCI_MANIFEST);
    assert_eq!(m.layers.len(), 3);
    assert_eq!(m.config.digest, Digest::of(OCI_CONFIG_3));
}

#[test]
fn typed_config_gives_buildahs_bytes_and_id() {
    let history = |by: &str, comment: &str| History {
        created: Some("1970-01-01T00:00:00Z".into()),
        created_by: format!("/bin/sh -c #(nop) {by}"),
        comment: comment.into(),
        empty_layer: true,
        ..Default::default()
    };
    let c = ImageConfig {
        created: rfc3339_utc(0),
        architecture: "amd64".into(),
        os: "linux".into(),
        config: Config {
            user: "1000:1000".into(),
            exposed_ports: set(&["80/tcp", "443/udp"]),
            env: vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                "X=1".into(),
                "Y=a b".into(),
            ],
            entrypoint: vec!["/bin/app".into()],
            cmd: vec!["--x".into()],
            volumes: set(&["/data", "/a"]),
            working_dir: "/w".into(),
            labels: [("b", "<b>&c"), ("a", "1"), ("io.buildah.version", "1.28.2")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            stop_signal: "SIGTERM".into(),
            ..Default::default()
        },
        rootfs: RootFs::default(),
        history: vec![
            history("LABEL b=\"<b>&c\" a=1", ""),
            history("ENV X=1 Y=\"a b\"", "FROM 6a5519028449"),
            history("EXPOSE 80 443/udp", "FROM cd28d90418d5"),
            history("VOLUME /data /a", "FROM ec96969c88e6"),
            history("WORKDIR /w", "FROM b72c570cb2f4"),
            history("USER 1000:1000", "FROM 678a0b686470"),
            history("ENTRYPOINT [\"/bin/app\"]", "FROM ca3cce085463"),
            history("CMD [\"--x\"]", "FROM 715b84f83bcd"),
            history("STOPSIGNAL SIGTERM", "FROM bec9d89b73b8"),
            history(
                "HEALTHCHECK --interval=5s --retries=2 CMD [\"/bin/check\"]",
                "FROM 81b2b624b094",
            ),
            history("SHELL [\"/bin/bash\",\"-c\"]", "FROM 3faee3435a90"),
            history("ONBUILD RUN echo hi", "FROM a8df6f8b13fd"),
        ],
        ..Default::default()
    };
    assert_eq!(
        String::from_utf8(c.to_json_bytes()).unwrap(),
        std::str::from_utf8(OCI_CONFIG).unwrap()
    );
    assert_eq!(
        c.id().to_string(),
        "sha256:4b81a55ea5e1e5656bf5b2c42421a0b82c5b8ca02774828b42f517b7e5c39952"
    );
    assert_eq!(c.id().short(), "4b81a55ea5e1");
}

#[test]
fn docker_extension_fields_in_buildkit_order() {
    // BuildKit's DockerOCIImageConfig: the OCI fields, then Healthcheck,
    // OnBuild, Shell. Go's omitempty drops zero durations.
    let c = Config {
        cmd: vec!["x".into()],
        args_escaped: true,
        healthcheck: Some(Healthcheck {
            test: vec!["CMD".into(), "/bin/check".into()],
            interval: 5_000_000_000,
            start_interval: 1_000_000_000,
            retries: 2,
            ..Default::default()
        }),
        on_build: vec!["RUN echo hi".into()],
        shell: vec!["/bin/bash".into(), "-c".into()],
        ..Default::default()
    };
    assert_eq!(
        String::from_utf8(super::to_go_json(&c)).unwrap(),
        concat!(
            r#"{"Cmd":["x"],"ArgsEscaped":true,"#,
            r#""Healthcheck":{"Test":["CMD","/bin/check"],"Interval":5000000000,"StartInterval":1000000000,"Retries":2},"#,
            r#""OnBuild":["RUN echo hi"],"Shell":["/bin/bash","-c"]}"#
        )
    );
    let all = ImageConfig {
        created: Some("2024-01-01T00:00:00Z".into()),
        author: "me".into(),
        architecture: "arm".into(),
        variant: "v7".into(),
        os: "linux".into(),
        os_version: "1".into(),
        os_features: vec!["f".into()],
        history: vec![History {
            author: "a".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(
        String::from_utf8(all.to_json_bytes()).unwrap(),
        concat!(
            r#"{"created":"2024-01-01T00:00:00Z","author":"me","architecture":"arm","variant":"v7","os":"linux","#,
            r#""os.version":"1","os.features":["f"],"config":{},"rootfs":{"type":"layers","diff_ids":[]},"#,
            r#""history":[{"author":"a"}]}"#
        )
    );
}

#[test]
fn reads_docker_schema2_config_and_manifest() {
    let c = ImageConfig::from_json(DOCKER_CONFIG).unwrap();
    assert_eq!(c.config.user, "1000:1000");
    assert_eq!(c.config.exposed_ports, set(&["80/tcp", "443/udp"]));
    assert_eq!(c.config.on_build, ["RUN echo hi"]);
    assert_eq!(c.config.shell, ["/bin/bash", "-c"]);
    let hc = c.config.healthcheck.as_ref().unwrap();
    assert_eq!(
        (hc.test.as_slice(), hc.interval, hc.timeout, hc.retries),
        (
            &["CMD".to_string(), "/bin/check".to_string()][..],
            5_000_000_000,
            0,
            2
        )
    );
    // Docker wrote no diff_ids for an image without layers.
    assert_eq!(c.rootfs.kind, "layers");
    assert!(c.rootfs.diff_ids.is_empty());
    assert_eq!(c.history.len(), 12);

    let m = Manifest::from_json(DOCKER_MANIFEST).unwrap();
    assert_eq!(m.media_type, media_types::DOCKER_MANIFEST);
    assert_eq!(m.config.media_type, media_types::DOCKER_CONFIG);
    assert_eq!(m.config.digest, Digest::of(DOCKER_CONFIG));
    assert_eq!(m.config.size, DOCKER_CONFIG.len() as u64);
    assert!(m.layers.is_empty());
}

#[test]
fn nulls_read_as_empty() {
    let c = ImageConfig::from_json(
        br#"{"architecture":"amd64","os":"linux","config":{"Cmd":null,"Env":null,"Labels":null,"ExposedPorts":null,"Healthcheck":null},"rootfs":{"type":"layers","diff_ids":null},"history":null}"#,
    )
    .unwrap();
    assert!(c.config.cmd.is_empty() && c.config.labels.is_empty() && c.history.is_empty());
    assert_eq!(
        c.to_json_bytes(),
        br#"{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}"#
    );
}

#[test]
fn manifest_and_index_bytes() {
    let config = Descriptor::of(media_types::OCI_CONFIG, b"{}");
    let layer = Descriptor::new(media_types::OCI_LAYER_TAR_GZIP, Digest::of(b"l"), 7);
    let mut m = Manifest::new(config.clone(), vec![layer.clone()]);
    m.annotations.insert("z".into(), "1".into());
    m.annotations.insert("a&".into(), "<".into());
    let expected = format!(
        concat!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","#,
            r#""config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":2}},"#,
            r#""layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{}","size":7}}],"#,
            r#""annotations":{{"a\u0026":"\u003c","z":"1"}}}}"#
        ),
        config.digest, layer.digest
    );
    assert_eq!(String::from_utf8(m.to_json_bytes()).unwrap(), expected);
    assert_eq!(Manifest::from_json(expected.as_bytes()).unwrap(), m);

    let mut d = Descriptor::of(media_types::OCI_MANIFEST, b"m");
    d.platform = Some(Platform {
        architecture: "arm64".into(),
        os: "linux".into(),
        variant: "v8".into(),
        ..Default::default()
    });
    let i = Index::new(vec![d.clone()]);
    let expected = format!(
        concat!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":["#,
            r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":1,"#,
            r#""platform":{{"architecture":"arm64","os":"linux","variant":"v8"}}}}]}}"#
        ),
        d.digest
    );
    assert_eq!(String::from_utf8(i.to_json_bytes()).unwrap(), expected);
    assert_eq!(Index::from_json(expected.as_bytes()).unwrap(), i);
}

#[test]
fn parse_rejections() {
    let idx = Index::new(vec![]).to_json_bytes();
    assert_eq!(
        Manifest::from_json(&idx).unwrap_err().to_string(),
        "invalid manifest JSON: missing field `config` at line 1 column 88"
    );
    let mut m = Manifest::new(Descriptor::of(media_types::OCI_CONFIG, b""), vec![]);
    m.media_type = media_types::OCI_INDEX.into();
    assert_eq!(
        Manifest::from_json(&m.to_json_bytes()).unwrap_err(),
        ImageError::MediaType {
            what: "manifest",
            found: media_types::OCI_INDEX.into(),
            expected: "an OCI or Docker schema2 image manifest"
        }
    );
    m.media_type = String::new();
    m.schema_version = 1;
    assert_eq!(
        Manifest::from_json(&m.to_json_bytes())
            .unwrap_err()
            .to_string(),
        "manifest has schemaVersion 1, expected 2"
    );
    let list = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}"#;
    assert!(Index::from_json(list).is_ok());
    let wrong = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","manifests":[]}"#;
    assert!(matches!(
        Index::from_json(wrong),
        Err(ImageError::MediaType { .. })
    ));
    assert!(matches!(
        ImageConfig::from_json(b"[]"),
        Err(ImageError::Json { .. })
    ));
    let bad_digest = br#"{"rootfs":{"type":"layers","diff_ids":["sha256:xyz"]}}"#;
    assert!(
        ImageConfig::from_json(bad_digest)
            .unwrap_err()
            .to_string()
            .contains("sha256:xyz")
    );
}

#[test]
fn media_type_predicates() {
    assert!(media_types::is_manifest(media_types::DOCKER_MANIFEST));
    assert!(media_types::is_index(media_types::DOCKER_MANIFEST_LIST));
    assert!(media_types::is_config(media_types::DOCKER_CONFIG));
    assert!(media_types::is_layer(media_types::DOCKER_LAYER_TAR_GZIP));
    assert!(media_types::is_layer(media_types::OCI_LAYER_TAR));
    assert!(!media_types::is_layer(media_types::OCI_CONFIG));
}

#[test]
fn created_timestamps_like_go() {
    // Expected values from `date -u -d @N +%Y-%m-%dT%H:%M:%SZ`.
    assert_eq!(rfc3339_utc(0).unwrap(), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339_utc(1_700_000_000).unwrap(), "2023-11-14T22:13:20Z");
    assert_eq!(rfc3339_utc(-1).unwrap(), "1969-12-31T23:59:59Z");
    assert_eq!(rfc3339_utc(951_782_400).unwrap(), "2000-02-29T00:00:00Z");
    assert_eq!(
        rfc3339_utc(253_402_300_799).unwrap(),
        "9999-12-31T23:59:59Z"
    );
    assert_eq!(
        rfc3339_utc(-62_135_596_800).unwrap(),
        "0001-01-01T00:00:00Z"
    );
    assert_eq!(rfc3339_utc(253_402_300_800), None);
    assert_eq!(rfc3339_utc(-62_167_219_201), None);
}
