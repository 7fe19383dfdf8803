/// The web page every bulletin replica serves at `/`: plain HTML, CSS and JavaScript (no
/// external assets; edited as files in `Embedded/`, built into the binary by
/// `EmbedFilesPlugin`) calling this replica's Connect JSON API. Switching replica
/// opens the other replica's own page, carrying the name and session token in the URL
/// fragment, so the page never needs cross-origin calls and read-your-writes still holds.
public enum BulletinPage {
    public static func html(nodeID: String, mode: String, members: [(id: String, address: String)]) -> [UInt8] {
        let options = members.map { member in
            "<option value=\"\(escape(member.address))\"\(member.id == nodeID ? " selected" : "")>\(escape(member.id)) — \(escape(member.address))</option>"
        }.joined()
        let page = fill(fill(fill(template, "{{NODE}}", escape(nodeID)), "{{MODE}}", escape(mode)), "{{REPLICAS}}", options)
        return Array(page.utf8)
    }

    /// The page with its style sheet and script in place (the node-specific parts are filled per
    /// request by `html`).
    static let template = fill(fill(EmbeddedFiles.pageHTML, "{{STYLE}}\n", EmbeddedFiles.pageCSS), "{{SCRIPT}}\n", EmbeddedFiles.pageJS)

    /// The page's icon (a pin), so browsers asking for `/favicon.ico` get an answer, not a 404.
    public static let favicon = Array(EmbeddedFiles.faviconSVG.utf8)

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
