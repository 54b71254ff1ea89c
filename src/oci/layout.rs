//! The OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) as
//! pure data: what files to write and in what order, and how to read the
//! index back. The CLI does the writing (atomically, each file through a
//! temporary name and a rename), so skopeo, umoci and crane can read it.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use super::digest::Digest;
use super::image::{Descriptor, ImageConfig, ImageError, Index, Manifest, media_types};
use super::tar::Layer;

/// The `oci-layout` file, byte for byte as Go's `json.Marshal` of the
/// image-spec `ImageLayout` struct writes it.
pub const OCI_LAYOUT_FILE: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// The annotation an image layout keeps a tag in.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// `blobs/sha256/<hex>`: where a blob lives inside a layout.
pub fn blob_path(digest: &Digest) -> String {
    format!("blobs/sha256/{}", digest.hex())
}

/// `index.json` for manifests, each tagged (the `REF_NAME` annotation) or
/// not. Annotations a descriptor already has are kept.
pub fn index_json(entries: &[(Option<String>, Descriptor)]) -> Vec<u8> {
    let manifests = entries
        .iter()
        .map(|(name, d)| {
            let mut d = d.clone();
            if let Some(n) = name {
                d.annotations.insert(REF_NAME.to_string(), n.clone());
            }
            d
        })
        .collect();
    Index::new(manifests).to_json_bytes()
}

/// Reads `index.json` back into (tag, descriptor) pairs, the tag annotation
/// taken out of the descriptor: the inverse of [`index_json`].
pub fn parse_index_json(bytes: &[u8]) -> Result<Vec<(Option<String>, Descriptor)>, ImageError> {
    let index = Index::from_json(bytes)?;
    Ok(index
        .manifests
        .into_iter()
        .map(|mut d| (d.annotations.remove(REF_NAME), d))
        .collect())
}

/// Checks an `oci-layout` file.
pub fn parse_oci_layout(bytes: &[u8]) -> Result<(), ImageError> {
    #[derive(Deserialize)]
    struct LayoutFile {
        #[serde(rename = "imageLayoutVersion")]
        version: String,
    }
    let f: LayoutFile = serde_json::from_slice(bytes).map_err(|e| ImageError::Json {
        what: "oci-layout",
        message: e.to_string(),
    })?;
    if f.version != "1.0.0" {
        return Err(ImageError::LayoutVersion(f.version));
    }
    Ok(())
}

/// One file of a layout, relative to its root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutFile {
    pub path: String,
    pub bytes: Arc<[u8]>,
}

/// An image layout being assembled in memory: blobs by digest and the
/// index's entries.
#[derive(Debug, Clone, Default)]
pub struct ImageLayout {
    blobs: BTreeMap<Digest, Arc<[u8]>>,
    refs: Vec<(Option<String>, Descriptor)>,
}

impl ImageLayout {
    pub fn new() -> ImageLayout {
        ImageLayout::default()
    }

    /// Stores a blob (once per digest) and returns its descriptor.
    pub fn add_blob(&mut self, media_type: &str, bytes: impl Into<Arc<[u8]>>) -> Descriptor {
        let bytes = bytes.into();
        let d = Descriptor::of(media_type, &bytes);
        self.blobs.entry(d.digest).or_insert(bytes);
        d
    }

    /// Stores a config, its layers and the manifest that ties them, and
    /// returns the manifest's descriptor (not yet in the index: see
    /// [`ImageLayout::tag`]).
    pub fn add_image(&mut self, config: &ImageConfig, layers: &[Layer]) -> Descriptor {
        let config = self.add_blob(media_types::OCI_CONFIG, config.to_json_bytes());
        let layers = layers
            .iter()
            .map(|l| self.add_blob(l.media_type(), l.blob.as_slice()))
            .collect();
        let manifest = Manifest::new(config, layers);
        self.add_blob(media_types::OCI_MANIFEST, manifest.to_json_bytes())
    }

    /// Lists `manifest` in the index under `name`; a name already in the
    /// index moves to the new manifest, as `skopeo copy` to a tag does.
    pub fn tag(&mut self, name: Option<&str>, manifest: Descriptor) {
        if let Some(n) = name {
            self.refs.retain(|(r, _)| r.as_deref() != Some(n));
        }
        self.refs.push((name.map(str::to_string), manifest));
    }

    pub fn blob(&self, digest: &Digest) -> Option<&Arc<[u8]>> {
        self.blobs.get(digest)
    }

    pub fn index_json(&self) -> Vec<u8> {
        index_json(&self.refs)
    }

    /// Every file of the layout in the order to write them: blobs first,
    /// then `oci-layout`, `index.json` last, so that a reader never finds an
    /// index naming a blob that is not there yet.
    pub fn files(&self) -> Vec<LayoutFile> {
        let mut out: Vec<LayoutFile> = self
            .blobs
            .iter()
            .map(|(d, b)| LayoutFile {
                path: blob_path(d),
                bytes: b.clone(),
            })
            .collect();
        out.push(LayoutFile {
            path: "oci-layout".into(),
            bytes: OCI_LAYOUT_FILE.into(),
        });
        out.push(LayoutFile {
            path: "index.json".into(),
            bytes: self.index_json().into(),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oci_layout_file_parses() {
        parse_oci_layout(OCI_LAYOUT_FILE).unwrap();
        assert_eq!(
            parse_oci_layout(br#"{"imageLayoutVersion":"2.0.0"}"#)
                .unwrap_err()
                .to_string(),
            "oci-layout has imageLayoutVersion \"2.0.0\", expected \"1.0.0\""
        );
        assert!(parse_oci_layout(b"{}").is_err());
    }

    #[test]
    fn index_json_bytes_and_round_trip() {
        let m = Descriptor::of(media_types::OCI_MANIFEST, b"{}");
        let entries = vec![(Some("v1".to_string()), m.clone()), (None, m.clone())];
        let bytes = index_json(&entries);
        let expected = format!(
            concat!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":["#,
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":2,"#,
                r#""annotations":{{"org.opencontainers.image.ref.name":"v1"}}}},"#,
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":2}}]}}"#
            ),
            d = m.digest
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), expected);
        assert_eq!(parse_index_json(&bytes).unwrap(), entries);
    }

    #[test]
    fn reads_buildahs_index_without_media_type() {
        // index.json as `buildah push … oci:DIR:t1` wrote it.
        let raw = br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:6bd115f07728b56d1c250a4e788d6b05501ec5e2967dc2791247e0cad23ad90a","size":499,"annotations":{"org.opencontainers.image.ref.name":"t1"}}]}"#;
        let e = parse_index_json(raw).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0.as_deref(), Some("t1"));
        assert_eq!(e[0].1.size, 499);
        assert!(e[0].1.annotations.is_empty());
    }

    #[test]
    fn layout_files_order_and_retag() {
        let mut l = ImageLayout::new();
        let cfg = ImageConfig {
            architecture: "amd64".into(),
            os: "linux".into(),
            ..Default::default()
        };
        let m1 = l.add_image(&cfg, &[]);
        l.tag(Some("a"), m1.clone());
        let cfg2 = ImageConfig {
            architecture: "arm64".into(),
            ..cfg
        };
        let m2 = l.add_image(&cfg2, &[]);
        l.tag(Some("a"), m2.clone());
        l.tag(Some("b"), m1.clone());
        let files = l.files();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths.len(),
            6,
            "2 configs + 2 manifests + oci-layout + index: {paths:?}"
        );
        assert!(paths[..4].iter().all(|p| p.starts_with("blobs/sha256/")));
        assert_eq!(&paths[4..], ["oci-layout", "index.json"]);
        for f in &files[..4] {
            assert_eq!(f.path, blob_path(&Digest::of(&f.bytes)));
        }
        let refs = parse_index_json(&files[5].bytes).unwrap();
        assert_eq!(
            refs,
            vec![(Some("a".into()), m2), (Some("b".into()), m1.clone())]
        );
        assert!(l.blob(&m1.digest).is_some());
    }
}
