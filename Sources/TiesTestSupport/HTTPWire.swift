import TiesCore
import TiesSystem

/// Requests as bytes for the wire.
public enum HTTPWire {
    /// `METHOD TARGET VERSION`, `Host`, an optional bearer token, `headers`,
    /// and with a body `Content-Type: application/json` and its `Content-Length`.
    public static func request(_ method: String, _ target: String, body: [UInt8]?, token: String? = nil,
                               headers: [(String, String)] = [], version: String = "HTTP/1.1") -> [UInt8] {
        var head = "\(method) \(target) \(version)\r\nHost: localhost\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        guard let body else { return Array((head + "\r\n").utf8) }
        head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    public static func request(_ method: String, _ target: String, body: String? = nil, token: String? = nil,
                               headers: [(String, String)] = [], version: String = "HTTP/1.1") -> [UInt8] {
        request(method, target, body: body.map { Array($0.utf8) }, token: token, headers: headers, version: version)
    }
}
