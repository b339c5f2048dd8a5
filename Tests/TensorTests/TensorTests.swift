import Foundation
import Tensor
import Testing

@Suite struct TensorBasics {
    /// `make test` runs the gradient and PyTorch-fixture suites a second time with
    /// MAAS_KERNELS=avx2; this shows that run really is on the AVX2 kernels (and the default
    /// one on AVX-512 where the processor has it).
    @Test func kernelPathFollowsMAASKernels() throws {
        let path = KernelPath.current
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        if ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] != nil { return }  // the operator chose
        if ProcessInfo.processInfo.environment["MAAS_KERNELS"] == "avx2" {
            #expect(path.hasPrefix("openblas Haswell") && !path.contains("avx512"), "\(path)")
        } else if cpuinfo.contains(" avx512f ") && cpuinfo.contains(" avx512bw ") {
            #expect(path.hasPrefix("openblas SkylakeX") && path.contains("onednn") && path.contains("avx512"), "\(path)")
        }
    }

    @Test func valueSemanticsCopyOnWrite() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(a.scalars == [1, 2, 3, 4])
        #expect(b.scalars == [9, 2, 3, 4])
    }

    @Test func reshapeSliceGatherStack() {
        let a = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(a.reshaped([2, -1]).shape == [2, 3])
        #expect(a.slice(rows: 1..<3).scalars == [3, 4, 5, 6])
        #expect(a.gather(rows: [2, 0]).scalars == [5, 6, 1, 2])
        #expect(Tensor.stack([a, a]).shape == [2, 3, 2])
        #expect(a.argmaxRows() == [1, 1, 1])
    }

    @Test func matmulMatchesNaiveProduct() {
        let a = random([7, 5], seed: 1), b = random([5, 3], seed: 2)
        let y = Tensor.backend.matmul(a, b, transposeA: false, transposeB: false)
        let av = a.scalars, bv = b.scalars, yv = y.scalars
        for i in 0..<7 { for j in 0..<3 {
            let expected = (0..<5).reduce(Float(0)) { $0 + av[i * 5 + $1] * bv[$1 * 3 + j] }
            #expect(Swift.abs(yv[i * 3 + j] - expected) < 1e-5)
        } }
    }

    @Test func convolutionMatchesDirectSum() {
        let x = random([1, 5, 5, 2], seed: 3), w = random([3, 3, 2, 2], seed: 4)
        let y = Variable(x).conv2d(Variable(w), bias: nil, samePadding: true).value
        let xv = x.scalars, wv = w.scalars, yv = y.scalars
        #expect(y.shape == [1, 5, 5, 2])
        for oh in 0..<5 { for ow in 0..<5 { for f in 0..<2 {
            var total: Float = 0
            for kh in 0..<3 { for kw in 0..<3 { for c in 0..<2 {
                let ih = oh + kh - 1, iw = ow + kw - 1
                if ih >= 0 && ih < 5 && iw >= 0 && iw < 5 { total += xv[(ih * 5 + iw) * 2 + c] * wv[((kh * 3 + kw) * 2 + c) * 2 + f] }
            } } }
            #expect(Swift.abs(yv[(oh * 5 + ow) * 2 + f] - total) < 1e-4)
        } } }
    }

    @Test func softmaxRowsSumToOneAndAreStable() {
        let y = Variable(Tensor(shape: [2, 3], scalars: [1000, 1001, 1002, -5, 0, 5])).softmax().value.scalars
        #expect(Swift.abs(y[0] + y[1] + y[2] - 1) < 1e-6)
        #expect(Swift.abs(y[2] - 0.665_240_94) < 1e-5)
        #expect(y.allSatisfy { $0.isFinite })
    }

    @Test func seededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = SeededGenerator(seed: 1)
        let normals = (0..<20000).map { _ in c.nextNormal() }
        let mean = normals.reduce(0, +) / Float(normals.count)
        let variance = normals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(normals.count)
        #expect(Swift.abs(mean) < 0.03 && Swift.abs(variance - 1) < 0.05)
    }

    @Test func gradientsAccumulateAcrossUses() {
        let x = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        (x * x + x).sum().backward()
        #expect(x.grad?.scalars == [3, 5])
    }
}

/// The normal draws DP-SGD's noise is made of (the privacy guarantee assumes exactly Gaussian
/// noise): the ziggurat's draws against the normal distribution itself.
@Suite struct GaussianNoiseIsNormal {
    @Test func twoMillionDrawsMatchTheNormalDistribution() throws {
        let n = 2_000_000
        var noise = Tensor(zeros: [n])
        noise.addGaussianNoise(std: 1, scale: 1, seed: 42)
        let values = noise.scalars
        var x = values.map(Double.init)
        let mean = x.reduce(0, +) / Double(n)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        let kurtosis = x.reduce(0) { $0 + pow($1 - mean, 4) } / Double(n) / (variance * variance)
        #expect(abs(mean) < 0.003, "mean \(mean)")
        #expect(abs(variance - 1) < 0.005, "variance \(variance)")
        #expect(abs(kurtosis - 3) < 0.03, "kurtosis \(kurtosis)")
        // Kolmogorov-Smirnov distance to the normal CDF: 0.0014 is the 0.1% critical value here.
        x.sort()
        var distance = 0.0
        for (i, value) in x.enumerated() {
            let cdf = 0.5 * erfc(-value / 2.0.squareRoot())
            distance = max(distance, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
        }
        #expect(distance < 0.0014, "KS distance \(distance)")
        // The tails, where the ziggurat's slow paths (wedges, and beyond 3.44 the tail) work.
        let beyond3 = Double(x.filter { abs($0) > 3 }.count) / Double(n), beyond4 = x.filter { abs($0) > 4 }.count
        #expect(abs(beyond3 - 0.0026998) < 0.0002, "P(|x| > 3) = \(beyond3)")
        #expect((85...170).contains(beyond4), "\(beyond4) draws beyond 4 (expected 127)")
        #expect(x.first! < -4.5 && x.last! > 4.5, "the extremes of 2 M draws reach past 4.5: \(x.first!), \(x.last!)")
    }

    @Test func theSameSeedGivesTheSameNoiseAndScaleApplies() {
        var a = Tensor(shape: [10_000], scalars: (0..<10_000).map { Float($0) })
        var b = a
        a.addGaussianNoise(std: 0.5, scale: 0.25, seed: 7)
        b.addGaussianNoise(std: 0.5, scale: 0.25, seed: 7)
        #expect(a.scalars == b.scalars)
        var c = Tensor(shape: [10_000], scalars: (0..<10_000).map { Float($0) })
        c.addGaussianNoise(std: 0.5, scale: 0.25, seed: 8)
        #expect(a.scalars != c.scalars)
        // (x + 0.5 z) / 4: the residual 4a - x is N(0, 0.25).
        let residual = (0..<10_000).map { Double(4 * a.scalars[$0]) - Double($0) }
        let std = (residual.reduce(0) { $0 + $1 * $1 } / 10_000).squareRoot()
        #expect(abs(std - 0.5) < 0.02, "std \(std)")
    }
}

/// Convolutions large enough to run on oneDNN (`make deps` installs libdnnl) give what im2col +
/// SGEMM give, forward and every gradient, for valid and same padding (asymmetric included),
/// strides 1 and 2, and 3×3 and 5×5 kernels.
@Suite struct OneDNNConvolutions {
    static let cases: [(input: [Int], kernel: Int, filters: Int, stride: Int, same: Bool)] = [
        ([32, 16, 16, 16], 3, 32, 1, true),
        ([32, 16, 16, 16], 3, 32, 2, true),   // pads 0 above, 1 below
        ([64, 12, 12, 8], 5, 16, 1, false),
        ([128, 28, 28, 1], 3, 32, 1, false),  // the seed CNN's first layer
    ]

    @Test(arguments: cases.indices)
    func matchesIm2colAndSGEMM(index: Int) throws {
        let c = Self.cases[index]
        try #require(OneDNN.available, "libdnnl.so.2 did not load (apt-get install libdnnl-dev)")
        let backend = Tensor.backend
        var rng = SeededGenerator(seed: UInt64(40 + index))
        let x = Tensor.normal(c.input, using: &rng), w = Tensor.normal([c.kernel, c.kernel, c.input[3], c.filters], using: &rng)
        let b = Tensor.normal([c.filters], using: &rng)
        let g = Conv2DGeometry(input: c.input, kernel: (c.kernel, c.kernel), stride: (c.stride, c.stride), samePadding: c.same)
        let dy = Tensor.normal([g.batch, g.outHeight, g.outWidth, c.filters], using: &rng)
        let (y, saved) = backend.convolution(x, w, bias: b, geometry: g)
        guard case .input = saved else { Issue.record("\(c.input) did not run on oneDNN"); return }
        let (dx, dw, db) = backend.convolutionBackward(saved: saved, weight: w, hasBias: true, geometry: g, gradient: dy, needInputGradient: true)
        let (yReference, patches) = backend.conv2d(x, w, bias: b, geometry: g)
        let (dxReference, dwReference, dbReference) = backend.conv2dBackward(patches: patches, weight: w, hasBias: true, geometry: g,
                                                                             gradient: dy, needInputGradient: true)
        func close(_ a: Tensor?, _ b: Tensor?, _ name: String) {
            guard let a, let b else { Issue.record("\(name) missing"); return }
            #expect(a.shape == b.shape, "\(name)")
            let scale = b.scalars.map { Swift.abs($0) }.max() ?? 1
            let worst = zip(a.scalars, b.scalars).map { Swift.abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4 * max(scale, 1), "\(name): differs by \(worst) (largest value \(scale))")
        }
        close(y, yReference, "output")
        close(dx, dxReference, "input gradient")
        close(dw, dwReference, "weight gradient")
        close(db, dbReference, "bias gradient")
    }
}
