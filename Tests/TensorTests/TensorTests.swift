import Tensor
import Testing

@Suite struct TensorBasics {
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
