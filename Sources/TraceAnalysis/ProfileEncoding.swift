import CZlib
import SwiftProtobuf

/// The pprof profile that `go tool trace -pprof=TYPE` writes, for the given samples: period
/// type trace/count, period 1, and two values per sample, contentions/count and
/// delay/nanoseconds. A location per distinct PC and a function per distinct file and function
/// name, numbered from 1 in order of first use. Gzip-compressed, as pprof files are.
public func encodeProfile(_ records: [ProfileRecord]) throws -> [UInt8] {
    var strings: [String] = [""]
    var stringIndex: [String: Int64] = ["": 0]
    func intern(_ text: String) -> Int64 {
        if let index = stringIndex[text] { return index }
        let index = Int64(strings.count)
        strings.append(text)
        stringIndex[text] = index
        return index
    }
    func valueType(_ type: String, _ unit: String) -> Perftools_Profiles_ValueType {
        var value = Perftools_Profiles_ValueType()
        value.type = intern(type)
        value.unit = intern(unit)
        return value
    }
    var profile = Perftools_Profiles_Profile()
    profile.sampleType = [valueType("contentions", "count"), valueType("delay", "nanoseconds")]
    profile.periodType = valueType("trace", "count")
    profile.period = 1
    var locations: [UInt64: UInt64] = [:]
    var functions: [[UInt8]: UInt64] = [:]
    // Heaviest samples first, then by stack, so that the same trace gives the same bytes.
    let ordered = records.sorted { a, b in
        if a.nanoseconds != b.nanoseconds { return a.nanoseconds > b.nanoseconds }
        return a.frames.map(\.pc).lexicographicallyPrecedes(b.frames.map(\.pc))
    }
    for record in ordered {
        var sample = Perftools_Profiles_Sample()
        for frame in record.frames {
            if let id = locations[frame.pc] {
                sample.locationID.append(id)
                continue
            }
            // Go keys its functions by file and name run together, as this does.
            let key = frame.file.bytes + frame.function.bytes
            let functionID: UInt64
            if let id = functions[key] {
                functionID = id
            } else {
                var function = Perftools_Profiles_Function()
                function.id = UInt64(profile.function.count + 1)
                let name = frame.function.string
                function.name = intern(name)
                function.systemName = intern(name)
                function.filename = intern(frame.file.string)
                profile.function.append(function)
                functions[key] = function.id
                functionID = function.id
            }
            var line = Perftools_Profiles_Line()
            line.functionID = functionID
            line.line = Int64(bitPattern: frame.line)
            var location = Perftools_Profiles_Location()
            location.id = UInt64(profile.location.count + 1)
            location.address = frame.pc
            location.line = [line]
            profile.location.append(location)
            locations[frame.pc] = location.id
            sample.locationID.append(location.id)
        }
        sample.value = [Int64(bitPattern: record.count), record.nanoseconds]
        profile.sample.append(sample)
    }
    profile.stringTable = strings
    let bytes: [UInt8] = try profile.serializedBytes()
    return try gzip(bytes)
}

/// A failure of the system zlib.
public struct CompressionError: Error, CustomStringConvertible {
    public var description: String
}

/// Compresses bytes into a gzip stream with the system zlib.
public func gzip(_ input: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    // 15 window bits, plus 16 for a gzip header and trailer instead of zlib's.
    let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw CompressionError(description: "zlib: deflateInit2 failed with status \(status)") }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
    var input = input
    let result = input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            stream.next_out = target.baseAddress
            stream.avail_out = UInt32(target.count)
            return deflate(&stream, Z_FINISH)
        }
    }
    guard result == Z_STREAM_END else { throw CompressionError(description: "zlib: deflate failed with status \(result)") }
    output.removeLast(Int(stream.avail_out))
    return output
}
