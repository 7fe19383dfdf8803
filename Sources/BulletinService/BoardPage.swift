/// The web page every bulletin replica serves at `/`: plain HTML, CSS and JavaScript (no
/// external assets, no build step) calling this replica's Connect JSON API. Switching replica
/// opens the other replica's own page, carrying the name and session token in the URL
/// fragment, so the page never needs cross-origin calls and read-your-writes still holds.
public enum BoardPage {
    public static func html(nodeID: String, mode: String, members: [(id: String, address: String)]) -> [UInt8] {
        let options = members.map { member in
            "<option value=\"\(escape(member.address))\"\(member.id == nodeID ? " selected" : "")>\(escape(member.id)) — \(escape(member.address))</option>"
        }.joined()
        let page = fill(fill(fill(template, "{{NODE}}", escape(nodeID)), "{{MODE}}", escape(mode)), "{{REPLICAS}}", options)
        return Array(page.utf8)
    }

    /// The page's icon (a pin), so browsers asking for `/favicon.ico` get an answer, not a 404.
    public static let favicon = Array("""
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="6" r="4" fill="#2f6fde"/><path d="M8 10v5" \
    stroke="#1d2330" stroke-width="1.5"/></svg>
    """.utf8)

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func fill(_ text: String, _ placeholder: String, _ value: String) -> String {
        text.split(separator: placeholder, omittingEmptySubsequences: false).joined(separator: value)
    }
}
