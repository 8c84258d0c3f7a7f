import TiesCore
import TiesStore

/// `{"fromSeq","toSeq","added":[link],"removed":[link],"changed":[{"link","before","after"}],"next"}`
/// (TiesHTTP.docc/Endpoints.md): a link is compact, `{relationshipTypeId, from, to, attributes}`, as
/// a diff has no record to label it from; a changed link's `link` is its key alone.
extension LinkDiff {
    public var jsonValue: JSONValue {
        func link(_ difference: Difference, attributes: Attributes?) -> JSONValue {
            var fields: [String: JSONValue] = [
                "relationshipTypeId": .string(difference.type.id), "from": .string(difference.from.description), "to": .string(difference.to.description),
            ]
            if let attributes { fields["attributes"] = .object(attributes) }
            return .object(fields)
        }
        let of = { (kind: Difference.Kind) in differences.filter { $0.kind == kind } }
        return .object([
            "fromSeq": .int(fromSeq), "toSeq": .int(toSeq),
            "added": .array(of(.added).map { link($0, attributes: $0.after) }),
            "removed": .array(of(.removed).map { link($0, attributes: $0.before) }),
            "changed": .array(of(.changed).map { change in
                .object(["link": link(change, attributes: nil), "before": .object(change.before ?? [:]), "after": .object(change.after ?? [:])])
            }),
            "next": next.map(JSONValue.string) ?? .null,
        ])
    }
}
