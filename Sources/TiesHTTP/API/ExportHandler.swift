import Foundation
import TiesCore
import TiesStore
import TiesSystem

extension API {
    /// `GET /v1/export?asOf=T&format=jsonl|sqlite`: what `ties export`
    /// writes, written to a temporary file (owner-only, outside the ledger)
    /// and streamed from it, so a large export never sits in memory.
    func export(_ request: APIRequest) throws(LedgerError) -> HTTPResponse {
        let format = request.query["format"] ?? "jsonl"
        guard format == "jsonl" || format == "sqlite" else {
            throw LedgerError(.invalidField, "'format' must be jsonl or sqlite", details: ["field": .string("format")])
        }
        let point = try request.queryAsOf()
        let directory: String
        do {
            Self.removeExportsOfDeadServers()
            directory = try Files.makeTemporaryDirectory(under: Self.exportParent, prefix: Self.exportPrefix(CurrentProcess.id))
        } catch {
            throw LedgerError(.ioError, "cannot make a temporary directory for the export: \(error)")
        }
        let path = directory + "/export." + format
        let stamp: Exporter.Stamp
        do throws(LedgerError) {
            stamp = try service.read { ledger throws(LedgerError) in
                format == "sqlite" ? try Exporter.exportSQLite(ledger, asOf: point, to: path) : try Self.writeJSONLines(ledger, asOf: point, to: path)
            }
        } catch {
            try? Files.removeTree(directory)  // Temporary; the error is what matters.
            throw error
        }
        // The server sends the file and then removes its directory.
        var response = HTTPResponse(status: 200, bodyFile: HTTPResponse.BodyFile(path: path, size: Int(Files.status(path)?.size ?? 0), directory: directory))
        response.headers.set(name: "content-type", value: format == "sqlite" ? "application/vnd.sqlite3" : "application/x-ndjson")
        response.headers.set(name: "content-disposition", value: "attachment; filename=\"ties-export-\(stamp.seq).\(format)\"")
        return response
    }

    private static var exportParent: String { Files.temporaryParent(environment: ProcessInfo.processInfo.environment) }

    /// `ties-export-PID-`: whose export a temporary directory is.
    private static func exportPrefix(_ pid: Int32) -> String { "ties-export-\(pid)-" }

    /// An export directory outlives its send only when its server died
    /// mid-send: it holds a copy of the state (record fields included), so
    /// the next export removes those of processes that no longer run.
    private static func removeExportsOfDeadServers() {
        for name in (try? Files.listDirectory(exportParent)) ?? [] where name.hasPrefix("ties-export-") {
            let pid = name.dropFirst("ties-export-".count).prefix { $0.isNumber }
            guard let pid = Int32(pid), !CurrentProcess.isRunning(pid) else { continue }
            try? Files.removeTree(exportParent + "/" + name)  // Best effort: another user's, or already gone.
        }
    }

    /// The JSON Lines export, written in large appends.
    private static func writeJSONLines(_ ledger: Ledger, asOf point: AsOf?, to path: String) throws(LedgerError) -> Exporter.Stamp {
        let fd: Int32
        do {
            fd = try Files.open(path, .createNew)
        } catch {
            throw LedgerError(.ioError, "cannot create the export file: \(error)")
        }
        defer { Files.close(fd) }
        var buffer: [UInt8] = []
        var offset: Int64 = 0
        var failure: SystemError?
        func flush() {
            guard failure == nil, !buffer.isEmpty else { return }
            do {
                try Files.pwriteAll(fd, buffer, at: offset, path: path)
                offset += Int64(buffer.count)
                buffer.removeAll(keepingCapacity: true)
            } catch {
                failure = error
            }
        }
        let stamp = try Exporter.exportJSONLines(ledger, asOf: point) { row in
            buffer += row.encodedBytes
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= HTTPLimits.bodyFileChunkBytes { flush() }
            return failure == nil
        }
        flush()
        if let failure { throw LedgerError(.ioError, "cannot write the export file: \(failure)") }
        return stamp
    }
}
