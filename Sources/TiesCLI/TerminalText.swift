/// What a terminal shows rather than does. IDs, descriptions, attribute
/// values and reasons are whatever a client stored (over HTTP, any UTF-8),
/// so printed raw they could clear the screen, recolour it, retitle the
/// window, or start a new line that looks like output of ours (a forged
/// `seq 999` entry in `ties history`). Every line of text the CLI prints
/// goes through `visible(_:)`, in `Console`. JSON output (`--json`, `ties
/// log`, exports) stays byte for byte: JSON escapes the C0 controls, but C1
/// controls and bidi overrides pass through as UTF-8, so pipe it to a tool
/// (`jq`), not straight to a terminal, when IDs come from untrusted clients.
enum TerminalText {
    /// `line` with every character a terminal acts on written as a visible
    /// escape, Swift style: `\n`, `\r` and `\t`, and `\u{1B}` for the rest.
    /// Those are the C0 controls, DEL, the C1 controls (U+0080–U+009F:
    /// U+009B alone starts an escape sequence on some terminals), and the
    /// bidirectional controls that reorder what is shown (U+061C, U+200E,
    /// U+200F, U+202A–U+202E, U+2066–U+2069). Everything else, other
    /// non-ASCII text included, is kept. Backslashes are kept too, so an ID
    /// that already reads `\n` looks like an escaped one: harmless, since
    /// only the look is forged, never a line.
    static func visible(_ line: String) -> String {
        // Printable ASCII, the common case, needs no look at scalars.
        if line.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return line }
        guard line.unicodeScalars.contains(where: isControl) else { return line }
        var escaped = ""
        escaped.reserveCapacity(line.utf8.count + 16)
        for scalar in line.unicodeScalars {
            guard isControl(scalar) else {
                escaped.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            default: escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return escaped
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Text we wrote ourselves (help, the demo's narration) as its lines.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
