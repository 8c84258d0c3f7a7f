import TiesCore

/// What the CLI and `ties serve` say to each other over the write socket
/// (see `WriteSocketServer`): one JSON object per frame, a request for one
/// commit and its answer. The operations travel in their operation-line
/// form (`OperationEncoding`); the answer carries the store's own values
/// (the receipt, or the error with its code and details), so the CLI renders
/// exactly what it renders when it commits itself.
public enum WriteSocketMessages {
    /// What may nest inside a message: anything Ties reads (an operation
    /// line, a response kept in the log) within the few levels of the
    /// envelope around it, so nothing valid alone is refused in a message.
    static let envelopeDepthMax = Limits.jsonDepthMax + 3

    /// `{"operations":[…],"actor","reason","idempotencyKey","requestDigest","expectedHeadSeq"}`.
    /// The principal is not sent: the server takes it from the peer's uid.
    public static func encode(_ request: CommitRequest) -> [UInt8] {
        var fields: [String: JSONValue] = [
            "operations": .array(request.operations.map(OperationEncoding.encode)),
            "actor": .string(request.metadata.actor),
        ]
        fields["reason"] = request.metadata.reason.map(JSONValue.string)
        fields["idempotencyKey"] = request.metadata.idempotencyKey.map(JSONValue.string)
        fields["requestDigest"] = request.requestDigest.map(JSONValue.string)
        fields["expectedHeadSeq"] = request.expectedHeadSeq.map(JSONValue.int)
        return JSONValue.object(fields).encodedBytes
    }

    /// The request in a frame, committed on behalf of `principal`.
    /// Malformed input is `invalid_field`/`invalid_json`, as over HTTP.
    public static func decodeRequest(_ bytes: [UInt8], principal: String) throws(LedgerError) -> CommitRequest {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maxDepth: envelopeDepthMax)
        } catch {
            throw LedgerError(.invalidJSON, "the request is not valid JSON: \(error.description)")
        }
        let fields = try FieldReader(value, context: "request", failure: .invalidField)
        try fields.rejectUnknown(allowed: ["operations", "actor", "reason", "idempotencyKey", "requestDigest", "expectedHeadSeq"])
        guard case .array(let items)? = fields.fields["operations"] else { throw LedgerError(.invalidField, "operations must be an array") }
        var operations: [Operation] = []
        for (index, item) in items.enumerated() {
            do {
                operations.append(try OperationDecoding.decode(item, scope: .handedOver))
            } catch {
                throw error.at(operationIndex: index)
            }
        }
        let metadata = CommitMetadata(actor: try fields.requiredString("actor"), principal: principal, reason: try fields.optionalString("reason"),
                                      idempotencyKey: try fields.optionalString("idempotencyKey"))
        return CommitRequest(operations: operations, metadata: metadata, expectedHeadSeq: try fields.optionalInt("expectedHeadSeq"),
                             requestDigest: try fields.optionalString("requestDigest"))
    }

    /// `{"receipt":{…}}` or `{"error":{"code","message","details"}}`.
    public static func encode(_ answer: Result<CommitReceipt, LedgerError>) -> [UInt8] {
        var writer = JSONWriter()
        switch answer {
        case .success(let receipt):
            writer.writeRaw("{\"receipt\":{\"results\":")
            OperationResultCoding.write(receipt.results, to: &writer)
            var fields: [String: JSONValue] = ["replayed": .bool(receipt.replayed)]
            fields["firstSeq"] = receipt.firstSeq.map(JSONValue.int)
            fields["lastSeq"] = receipt.lastSeq.map(JSONValue.int)
            fields["at"] = receipt.at.map { .int($0.millisecondsSinceEpoch) }
            fields["hash"] = receipt.hash.map(JSONValue.string)
            fields["legacyResponse"] = receipt.legacyResponse
            for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
                writer.writeRaw(",")
                writer.writeString(name)
                writer.writeRaw(":")
                writer.writeValue(value)
            }
            writer.writeRaw("}}")
        case .failure(let error):
            writer.writeValue(.object(["error": .object(["code": .string(error.code.rawValue), "message": .string(error.message),
                                                         "details": .object(error.details)])]))
        }
        return writer.bytes
    }

    /// The server's answer: the receipt, or the error it reported. An
    /// answer that cannot be read is `io_error` (nothing is known of the commit).
    public static func decodeAnswer(_ bytes: [UInt8]) throws(LedgerError) -> Result<CommitReceipt, LedgerError> {
        do throws(LedgerError) {
            let value: JSONValue
            do {
                value = try JSONParser.parse(bytes, maxDepth: envelopeDepthMax)
            } catch {
                throw LedgerError(.invalidJSON, error.description)
            }
            let answer = try FieldReader(value, context: "answer", failure: .ioError)
            if let error = try answer.optionalObject("error") {
                let fields = try FieldReader(.object(error), context: "error", failure: .ioError)
                let name = try fields.requiredString("code")
                guard let code = LedgerError.Code(rawValue: name) else { throw LedgerError(.ioError, "unknown error code '\(name)'") }
                return .failure(LedgerError(code, try fields.requiredString("message"), details: try fields.optionalObject("details") ?? [:]))
            }
            let fields = try FieldReader(.object(try answer.requiredObject("receipt")), context: "receipt", failure: .ioError)
            var receipt = CommitReceipt(results: try OperationResultCoding.decode(array: fields.fields["results"] ?? .null))
            receipt.firstSeq = try fields.optionalInt("firstSeq")
            receipt.lastSeq = try fields.optionalInt("lastSeq")
            receipt.at = try fields.optionalInt("at").map(Timestamp.init(millisecondsSinceEpoch:))
            receipt.hash = try fields.optionalString("hash")
            receipt.legacyResponse = fields.fields["legacyResponse"]
            receipt.replayed = try fields.optionalBool("replayed") ?? false
            return .success(receipt)
        } catch {
            throw LedgerError(.ioError, "the server's answer could not be read (\(error.message)); the commit may or may not have been made")
        }
    }
}
