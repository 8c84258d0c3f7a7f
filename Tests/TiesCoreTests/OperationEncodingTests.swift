import Testing
import TiesCore
import TiesTestSupport

/// `OperationEncoding`: what the CLI hands to a running server must decode
/// to the very operation it encoded, and only the server's scope takes the
/// forms that have no operation line.
struct OperationEncodingTests {
    /// A random operation of every kind, with random optional parts.
    static func randomOperation(_ random: inout SplitMix64) -> Operation {
        func name() -> String { random.pick(["order", "line_item", "ü-ñame", "a\"b", "x\\y", "person"]) + String(random.below(5)) }
        func value() -> JSONValue {
            random.pick([.null, .bool(random.chance(50)), .int(Int64(random.below(2000)) - 1000), .double(0.5), .string("v\u{1}\(random.below(9))")])
        }
        func attributes() -> Attributes {
            Dictionary(uniqueKeysWithValues: (0..<random.below(4)).map { ("k\($0)", value()) })
        }
        func unset() -> [String] { (0..<random.below(3)).map { "u\($0)" } }
        func selector() -> RecordSelector {
            random.chance(70) ? .id("id-\(random.below(100))") : .match(FieldMatch(field: "email", value: value()))
        }
        func key() -> RelationshipTypeKey {
            random.chance(50) ? .personToCo(role: name(), objectType: name()) : .coToCo(role: name(), parent: name(), child: name())
        }
        func request() -> LinkRequest {
            let type: RelationshipTypeReference = random.chance(50) ? .id("rt_\(random.below(1000))") : .key(key())
            return LinkRequest(type: type, from: selector(), to: selector(), style: random.pick([.personAndObject, .parentAndChild, .records]))
        }
        func optional<T>(_ make: () -> T) -> T? { random.chance(50) ? make() : nil }
        switch random.below(8) {
        case 0:
            let identifiers = (0..<random.below(3)).map { Identifier(field: "f\($0)", unique: random.chance(50)) }
            return .defineObjectType(ObjectTypeDefinition(name: name(), description: optional { "about \(name())" }, identifiers: identifiers,
                                                          requireRecords: optional { random.chance(50) }))
        case 1:
            return .registerRelationshipType(Registration(key: key(), cardinality: optional { random.pick(Cardinality.allCases) },
                                                          description: optional { name() }, bidirectional: optional { random.chance(50) },
                                                          inverseRole: optional { name() }))
        case 2: return .link(request(), attributes: attributes())
        case 3: return .setAttributes(request(), set: attributes(), unset: unset())
        case 4: return .unlink(request())
        case 5: return .upsertRecord(RecordRef(type: name(), id: "r\(random.below(50))"), set: attributes(), unset: unset())
        case 6: return .eraseRecord(RecordRef(type: name(), id: "r\(random.below(50))"))
        default: return .restoreLink(request(), attributes: attributes())
        }
    }

    /// What only a CLI write handed to the server may hold.
    static func needsHandedOverScope(_ operation: Operation) -> Bool {
        switch operation {
        case .eraseRecord, .restoreLink: return true
        case .link(let request, _), .setAttributes(let request, _, _), .unlink(let request): return request.style == .records
        case .defineObjectType, .registerRelationshipType, .upsertRecord: return false
        }
    }

    @Test("500 random operations decode to themselves after encoding, through the bytes", arguments: [UInt64(1), 2, 3, 4])
    func roundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<500 {
            let operation = Self.randomOperation(&random)
            let bytes = OperationEncoding.encode(operation).encodedBytes
            let parsed = try JSONParser.parse(bytes)
            #expect(try OperationDecoding.decode(parsed, scope: .handedOver) == operation, "\(String(decoding: bytes, as: UTF8.self))")
            if Self.needsHandedOverScope(operation) {
                #expect(throws: LedgerError.self, "an operation line took \(String(decoding: bytes, as: UTF8.self))") {
                    try OperationDecoding.decode(parsed)
                }
            } else {
                #expect(try OperationDecoding.decode(parsed) == operation)
            }
        }
    }

    @Test("Operation lines cannot erase, restore or name endpoints as records")
    func lineScopeRefusesHandedOverForms() {
        let lines = [
            #"{"op":"eraseRecord","objectType":"person","externalId":"u1"}"#,
            #"{"op":"restoreLink","relationshipTypeId":"rt_1","personExternalId":"u1","customObjectExternalId":"o1"}"#,
            #"{"op":"link","relationshipTypeId":"rt_1","personExternalId":"u1","customObjectExternalId":"o1","endpoints":"records"}"#,
        ]
        for line in lines {
            #expect(throws: LedgerError.self, "\(line)") { try Op.decode(line) }
        }
        #expect(throws: LedgerError.self) {
            try OperationDecoding.decode(try JSONParser.parse(#"{"op":"unlink","relationshipTypeId":"rt_1","personExternalId":"u1","customObjectExternalId":"o1","endpoints":"both"}"#),
                                         scope: .handedOver)
        }
    }
}
