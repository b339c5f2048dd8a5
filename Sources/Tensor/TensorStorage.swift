#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The heap buffer behind a `Tensor`. Buffers come from `BufferPool`, so a warmed-up training
/// loop that frees and re-creates same-sized activations reuses memory instead of asking the
/// allocator (large glibc allocations are fresh `mmap`s whose pages fault in on every step).
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = BufferPool.shared.take(count: count)
    }

    deinit { BufferPool.shared.give(pointer, count: count) }

    func copy() -> TensorStorage {
        let other = TensorStorage(count: count)
        other.pointer.update(from: pointer, count: count)
        return other
    }
}

/// A size-keyed free list of 64-byte aligned Float buffers, bounded in the bytes it keeps.
public final class BufferPool: Sendable {
    public static let shared = BufferPool()

    /// Buffers smaller than this go straight to malloc: the allocator's own bins serve them well.
    static let minimumPooledCount = 4096
    /// Buffers larger than this (data sets, one-off copies) go back to the system when freed.
    static let maximumPooledCount = 16 << 20
    /// Upper bound on bytes held in free lists; beyond it freed buffers go back to the system.
    /// A training step's working set (the Fashion-MNIST CNN at batch 128: ~120 MB) fits.
    static let maximumCachedBytes = 256 << 20

    private struct State {
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
        var liveBytes = 0
        var peakLiveBytes = 0
    }
    private let state = Mutex(State())

    func take(count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let reused: UInt? = state.withLock { s in
            s.liveBytes += bytes
            s.peakLiveBytes = max(s.peakLiveBytes, s.liveBytes)
            guard count >= Self.minimumPooledCount, var list = s.free[count], let address = list.popLast()
            else { return nil }
            s.free[count] = list
            s.cachedBytes -= bytes
            return address
        }
        if let reused, let pointer = UnsafeMutablePointer<Float>(bitPattern: reused) { return pointer }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating a tensor of \(count) floats")
        }
        return raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let kept = state.withLock { s -> Bool in
            s.liveBytes -= bytes
            guard count >= Self.minimumPooledCount, count <= Self.maximumPooledCount,
                  s.cachedBytes + bytes <= Self.maximumCachedBytes
            else { return false }
            s.free[count, default: []].append(UInt(bitPattern: pointer))
            s.cachedBytes += bytes
            return true
        }
        if !kept { free(pointer) }
    }

    /// Returns every cached buffer to the system (e.g. after training, before serving).
    public func trim() {
        let addresses = state.withLock { s -> [UInt] in
            let all = s.free.values.flatMap { $0 }
            s.free = [:]
            s.cachedBytes = 0
            return all
        }
        for address in addresses { free(UnsafeMutableRawPointer(bitPattern: address)) }
    }

    /// Bytes held by live tensors now and at most since the process started.
    public var liveBytes: (current: Int, peak: Int) {
        state.withLock { ($0.liveBytes, $0.peakLiveBytes) }
    }
}

/// Int32 indices in pooled memory (max-pool argmax positions), so they are reused across
/// training steps like tensor buffers instead of faulting in fresh pages every step.
public final class IndexBuffer: @unchecked Sendable {
    private let storage: TensorStorage
    public let count: Int
    let pointer: UnsafeMutablePointer<Int32>

    init(count: Int) {
        self.count = count
        storage = TensorStorage(count: count)
        pointer = UnsafeMutableRawPointer(storage.pointer).bindMemory(to: Int32.self, capacity: max(count, 1))
    }
}
