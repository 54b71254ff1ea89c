//! Building an image tree: directories, files, links, all owned by root.

use crate::vfs::{Fs, Meta};

pub(super) struct Tree {
    pub fs: Fs,
    pub mtime: i64,
}

impl Tree {
    pub fn new(mtime: i64) -> Tree {
        let mut fs = Fs::new();
        fs.set_root_meta(Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime,
        });
        Tree { fs, mtime }
    }

    pub fn meta(&self, mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
            mtime: self.mtime,
        }
    }

    pub fn dir(&mut self, path: &str, mode: u32) {
        let m = self.meta(0o755);
        let parent = &path[..path.rfind('/').unwrap_or(0)];
        if !parent.is_empty() {
            self.fs
                .mkdir_all(parent, m)
                .expect("catalog paths are valid");
        }
        self.fs
            .mkdir(path, self.meta(mode))
            .expect("catalog paths are valid");
    }

    pub fn file(&mut self, path: &str, mode: u32, data: impl Into<crate::vfs::Data>) {
        let m = self.meta(mode);
        self.fs
            .write_file(path, data, m)
            .expect("catalog paths are valid");
    }

    pub fn text(&mut self, path: &str, mode: u32, text: &str) {
        self.file(path, mode, text.as_bytes());
    }

    pub fn binary(&mut self, path: &str, size: usize) {
        self.file(path, 0o755, crate::vfs::generated(path, size as u64));
    }

    pub fn symlink(&mut self, target: &str, path: &str) {
        let m = self.meta(0o777);
        self.fs
            .symlink(target, path, m)
            .expect("catalog paths are valid");
    }
}
