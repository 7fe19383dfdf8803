/// The zigzag mapping of sint32 and sint64 (protobuf encoding spec): small magnitudes of either
/// sign become small varints.
public enum ProtoZigZag {
    public static func encode32(_ value: Int32) -> UInt64 { UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))) }
    public static func encode64(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
    public static func decode32(_ raw: UInt64) -> Int32 {
        let value = UInt32(truncatingIfNeeded: raw)
        return Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
    public static func decode64(_ raw: UInt64) -> Int64 { Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }
}
