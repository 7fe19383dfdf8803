import CNodeSystem

/// gzip compression and decompression through the system zlib.
///
/// Guarantees: `inflate` never produces more than `limit` bytes (a zip bomb fails fast);
/// corrupt input fails with `.invalidArgument`, oversize with `.resourceExhausted`.
public enum GzipCodec {
    public static func inflate(_ input: [UInt8], limit: Int) throws(ConnectError) -> [UInt8] {
        if input.isEmpty { return [] }
        var stream = z_stream()
        guard cnode_inflate_init_gzip(&stream) == Z_OK else { throw ConnectError(.internal, "zlib inflateInit failed") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let count = input.count
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = CNodeSystem.inflate(&stream, Z_NO_FLUSH)
                    let produced = outBuf.count - Int(stream.avail_out)
                    output.append(contentsOf: outBuf[0..<produced])
                }
                if output.count > limit { return }
            } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if output.count > limit {
            throw ConnectError(.resourceExhausted, "decompressed request body exceeds \(limit) bytes")
        }
        guard status == Z_STREAM_END else {
            throw ConnectError(.invalidArgument, "request body is not valid gzip data")
        }
        return output
    }

    public static func deflate(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard cnode_deflate_init_gzip(&stream, level) == Z_OK else { return input }
        defer { deflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        let count = input.count
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(count)
            var status: Int32 = Z_OK
            repeat {
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = CNodeSystem.deflate(&stream, Z_FINISH)
                    output.append(contentsOf: outBuf[0..<(outBuf.count - Int(stream.avail_out))])
                }
            } while status == Z_OK
        }
        return output
    }
}
