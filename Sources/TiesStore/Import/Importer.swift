import TiesCore

/// Streams operation lines (TiesCore.docc/Operations.md) into commits through the ordinary write
/// path. A bad line stops the import: its batch is not committed, the
/// batches before it stay committed, and the failure says which is which.
public enum Importer {
    /// Imports into `ledger`, which applies the commits in large projection
    /// transactions meanwhile (`Ledger.bulkLoading`).
    public static func run(_ reader: LineReader, into ledger: Ledger, options: ImportOptions,
                           onCommit: (ImportTotals) -> Void = { _ in }) throws(ImportFailure) -> ImportTotals {
        try ledger.bulkLoading { () throws(ImportFailure) in
            try run(reader, options: options, commit: { (request) throws(LedgerError) in try ledger.commitGroup([request])[0].get() }, onCommit: onCommit)
        }
    }

    /// Imports through `commit`, which makes one commit durable and answers
    /// it (the ledger's own, or a server's through its write socket).
    public static func run(_ reader: LineReader, options: ImportOptions, commit: (CommitRequest) throws(LedgerError) -> CommitReceipt,
                           onCommit: (ImportTotals) -> Void = { _ in }) throws(ImportFailure) -> ImportTotals {
        var totals = ImportTotals(bytesTotal: reader.totalBytes)
        var batch: [Operation] = []
        var batchLines: [Int] = []
        func fail(_ error: LedgerError, line: Int) -> ImportFailure {
            ImportFailure(error: error, line: line, totals: totals)
        }
        func commitBatch() throws(ImportFailure) {
            guard !batch.isEmpty else { return }
            do {
                let receipt = try commit(CommitRequest(operations: batch, metadata: options.metadata))
                totals.operations += batch.count
                totals.unchanged += batch.count - receipt.results.filter(\.appendedEvents).count
                if let first = receipt.firstSeq, let last = receipt.lastSeq {
                    totals.commits += 1
                    totals.events += last - first + 1
                    totals.firstSeq = totals.firstSeq ?? first
                    totals.lastSeq = last
                }
                totals.committedThroughLine = batchLines.last ?? totals.committedThroughLine
                totals.bytesRead = reader.bytesRead
                batch.removeAll(keepingCapacity: true)
                batchLines.removeAll(keepingCapacity: true)
                onCommit(totals)
            } catch {
                let index = error.details["index"]?.int64Value.map(Int.init) ?? 0
                throw fail(error, line: batchLines.indices.contains(index) ? batchLines[index] : (batchLines.first ?? 0))
            }
        }
        while true {
            let line: ArraySlice<UInt8>
            do {
                guard let next = try reader.nextLine() else { break }
                line = next
            } catch {
                throw fail(error, line: totals.lines + 1)
            }
            totals.lines += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            do {
                batch.append(try decodeOperation(line))
            } catch {
                throw fail(error, line: totals.lines)
            }
            batchLines.append(totals.lines)
            if options.atomic {
                if batch.count > Limits.operationsPerCommitMax {
                    throw fail(LedgerError(.invalidField, "an atomic import makes the whole input one commit, and a commit holds at most \(Limits.operationsPerCommitMax) operations"), line: totals.lines)
                }
            } else if batch.count >= options.batchSize {
                try commitBatch()
            }
        }
        try commitBatch()
        totals.bytesRead = reader.bytesRead
        return totals
    }

    /// One line → one operation: `invalid_json` if it does not parse.
    public static func decodeOperation(_ line: ArraySlice<UInt8>) throws(LedgerError) -> Operation {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(line), maxDepth: Limits.jsonDepthMax)
        } catch {
            throw LedgerError(.invalidJSON, "not valid JSON: \(error.description)")
        }
        return try OperationDecoding.decode(value)
    }
}
