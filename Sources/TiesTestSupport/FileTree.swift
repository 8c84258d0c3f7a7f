import Foundation
import Synchronization
import TiesSystem

/// File-tree removal that tolerates files vanishing concurrently (SQLite
/// deleting its `-wal` and `-shm` as a connection closes, say): ENOENT on
/// any entry is success for that entry. Every other error is reported, a
/// directory that gains entries while it is emptied (ENOTEMPTY) included.
public enum FileTree {
    /// Removes `path`, a file or a directory with all it holds; a path that
    /// does not exist (any more) is not an error.
    public static func remove(_ path: String) throws(SystemError) {
        try Files.removeTree(path)
    }
}
