/// One table's rows in seq order, handed out a transaction at a time. The
/// select's last column is the seq that batches the row; the others are
/// the row, bound unchanged into `INSERT INTO table VALUES (?1…?n)`.
final class RowSource {
    let table: String
    private let select: FloorStatement
    private let insertStatement: FloorStatement
    private let width: Int
    private var pending: [FloorValue]?
    private var pendingSeq: Int64 = 0
    private var exhausted = false
    private(set) var rowsInserted = 0

    init(table: String, select sql: String, source: FloorDatabase, floor: FloorDatabase) throws(BenchError) {
        self.table = table
        select = try source.prepare(sql)
        width = select.columnCount - 1
        precondition(width > 0, "a row source selects the row and its seq")
        let placeholders = (1...width).map { "?\($0)" }.joined(separator: ", ")
        insertStatement = try floor.prepare("INSERT INTO \"\(table)\" VALUES (\(placeholders))")
    }

    /// The rows whose seq is at most `lastSeq` (all the rest when
    /// `everything`), flattened `width` values per row.
    func take(through lastSeq: Int64, everything: Bool) throws(BenchError) -> [FloorValue] {
        var values: [FloorValue] = []
        while true {
            if pending == nil {
                if exhausted { break }
                guard try select.step() else {
                    exhausted = true
                    break
                }
                pending = (0..<width).map(select.value)
                pendingSeq = select.int(width)
            }
            guard everything || pendingSeq <= lastSeq, let row = pending else { break }
            values.append(contentsOf: row)
            pending = nil
        }
        return values
    }

    func insert(_ values: [FloorValue]) throws(BenchError) {
        var start = values.startIndex
        while start < values.endIndex {
            try insertStatement.insert(values[start..<(start + width)])
            start += width
            rowsInserted += 1
        }
    }
}
