import Foundation
import Tensor

/// Whisper's front end, computed as faster-whisper computes it: 160 zero samples appended, a
/// 400-point Hann-windowed STFT every 160 samples (reflect-padded by 200 each side, the last
/// frame dropped), power spectra through 80 Slaney mel filters, log10 clamped at 1e-10 and to
/// within 8 of the loudest value, then (x + 4) / 4. 100 frames per second of 16 kHz audio.
public struct LogMelSpectrogram: Sendable {
    public static let sampleRate = 16_000, fftSize = 400, hop = 160
    public let melCount: Int
    /// [melCount × 201] filter weights.
    let filters: [Float]
    /// [400 × 402]: the windowed DFT's cosine and sine parts side by side, so one GEMM of the
    /// framed signal gives every frame's spectrum.
    let dft: [Float]
    static let bins = fftSize / 2 + 1

    public init(melCount: Int = 80) {
        self.melCount = melCount
        filters = Self.melFilters(count: melCount)
        let n = Self.fftSize, bins = Self.bins
        var dft = [Float](repeating: 0, count: n * 2 * bins)
        for t in 0..<n {
            let window = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(t) / Double(n)))
            for k in 0..<bins {
                let angle = 2 * Double.pi * Double((t * k) % n) / Double(n)
                dft[t * 2 * bins + k] = window * Float(cos(angle))
                dft[t * 2 * bins + bins + k] = -window * Float(sin(angle))
            }
        }
        self.dft = dft
    }

    /// [melCount × frames] log-mel features of 16 kHz samples.
    public func features(_ samples: [Float]) -> (values: [Float], frames: Int) {
        let n = Self.fftSize, hop = Self.hop, bins = Self.bins, pad = n / 2
        let padded = samples + [Float](repeating: 0, count: 160)
        let length = padded.count + 2 * pad
        // Reflect padding (numpy's "reflect": the edge sample is not repeated).
        func sample(_ i: Int) -> Float {
            var j = i - pad
            if j < 0 { j = -j }
            if j >= padded.count { j = 2 * (padded.count - 1) - j }
            return padded.isEmpty ? 0 : padded[max(0, min(padded.count - 1, j))]
        }
        let frames = max(0, 1 + (length - n) / hop - 1)  // the last frame is dropped
        guard frames > 0 else { return ([], 0) }
        var framed = [Float](repeating: 0, count: frames * n)
        for f in 0..<frames { for t in 0..<n { framed[f * n + t] = sample(f * hop + t) } }
        var spectrum = [Float](repeating: 0, count: frames * 2 * bins)
        framed.withUnsafeBufferPointer { a in
            dft.withUnsafeBufferPointer { b in
                spectrum.withUnsafeMutableBufferPointer { c in
                    sgemm(m: frames, n: 2 * bins, k: n, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: 2 * bins, c: c.baseAddress!, ldc: 2 * bins)
                }
            }
        }
        var power = [Float](repeating: 0, count: frames * bins)
        for f in 0..<frames {
            for k in 0..<bins {
                let re = spectrum[f * 2 * bins + k], im = spectrum[f * 2 * bins + bins + k]
                power[f * bins + k] = re * re + im * im
            }
        }
        // mel [melCount × frames] = filters [melCount × bins] · powerᵀ.
        var mel = [Float](repeating: 0, count: melCount * frames)
        filters.withUnsafeBufferPointer { a in
            power.withUnsafeBufferPointer { b in
                mel.withUnsafeMutableBufferPointer { c in
                    sgemm(transposeB: true, m: melCount, n: frames, k: bins, a: a.baseAddress!, lda: bins, b: b.baseAddress!, ldb: bins,
                          c: c.baseAddress!, ldc: frames)
                }
            }
        }
        var loudest = -Float.infinity
        for i in mel.indices {
            mel[i] = log10(max(mel[i], 1e-10))
            loudest = max(loudest, mel[i])
        }
        let floor = loudest - 8
        for i in mel.indices { mel[i] = (max(mel[i], floor) + 4) / 4 }
        return (mel, frames)
    }

    /// librosa's Slaney-normalised mel filters for a 400-point FFT at 16 kHz (as
    /// faster-whisper's `get_mel_filters` computes them).
    static func melFilters(count: Int) -> [Float] {
        let bins = Self.bins
        let fftFrequencies = (0..<bins).map { Double($0) * Double(sampleRate) / Double(fftSize) }
        let maxMel = 45.245640471924965
        let minLogHz = 1000.0, spacing = 200.0 / 3, minLogMel = minLogHz / spacing, logStep = log(6.4) / 27
        let frequencies = (0..<(count + 2)).map { i -> Double in
            let mel = maxMel * Double(i) / Double(count + 1)
            return mel >= minLogMel ? minLogHz * exp(logStep * (mel - minLogMel)) : spacing * mel
        }
        var weights = [Float](repeating: 0, count: count * bins)
        for m in 0..<count {
            let lowerWidth = frequencies[m + 1] - frequencies[m], upperWidth = frequencies[m + 2] - frequencies[m + 1]
            let norm = 2 / (frequencies[m + 2] - frequencies[m])
            for k in 0..<bins {
                let lower = (fftFrequencies[k] - frequencies[m]) / lowerWidth
                let upper = (frequencies[m + 2] - fftFrequencies[k]) / upperWidth
                weights[m * bins + k] = Float(max(0, min(lower, upper)) * norm)
            }
        }
        return weights
    }
}
