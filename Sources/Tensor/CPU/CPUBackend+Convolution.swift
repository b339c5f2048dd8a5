import COneDNN
import Glibc

extension CPUBackend {
    /// NHWC convolution as im2col + one SGEMM: over the patch matrix [N·OH·OW, KH·KW·C] a
    /// convolution is a dense layer with weight [KH·KW·C, F], so forward and backward reuse
    /// `linear` and only add the unfolding. The patches are kept for the backward pass.
    public func conv2d(_ x: Tensor, _ weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry) -> (output: Tensor, patches: Tensor) {
        let filters = weight.shape[3]
        let patches = Tensor(uninitializedShape: [g.outputPixels, g.patchSize])
        im2col(x.base, g, into: patches.base)
        let y = linear(patches, weight.reshaped([g.patchSize, filters]), bias: bias)
        return (y.reshaped([g.batch, g.outHeight, g.outWidth, filters]), patches)
    }

    public func conv2dBackward(patches: Tensor, weight: Tensor, hasBias: Bool, geometry g: Conv2DGeometry,
                               gradient: Tensor, needInputGradient: Bool) -> (input: Tensor?, weight: Tensor, bias: Tensor?) {
        let filters = weight.shape[3]
        let (dPatches, dw, db) = linearBackward(patches, weight.reshaped([g.patchSize, filters]), hasBias: hasBias,
                                                gradient: gradient.reshaped([g.outputPixels, filters]), needInputGradient: needInputGradient)
        var dx: Tensor?
        if let dPatches {
            let t = Tensor(zeros: [g.batch, g.inHeight, g.inWidth, g.inChannels])
            col2im(dPatches.base, g, into: t.base)
            dx = t
        }
        return (dx, dw.reshaped(weight.shape), db)
    }

    public func convolution(_ x: Tensor, _ weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry) -> (output: Tensor, saved: ConvolutionSaved) {
        if OneDNN.available && g.outputPixels * g.patchSize * weight.shape[3] >= OneDNN.minimumMultiplyAdds {
            var geometry = OneDNN.geometry(g, filters: weight.shape[3])
            let y = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, weight.shape[3]])
            let status = maas_onednn_conv_forward(&geometry, x.base, weight.base, bias?.base, y.base)
            if status == 0 { return (y, .input(x)) }
        }
        let (y, patches) = conv2d(x, weight, bias: bias, geometry: g)
        return (y, .patches(patches))
    }

    public func convolutionBackward(saved: ConvolutionSaved, weight: Tensor, hasBias: Bool, geometry g: Conv2DGeometry,
                                    gradient: Tensor, needInputGradient: Bool) -> (input: Tensor?, weight: Tensor, bias: Tensor?) {
        switch saved {
        case .patches(let patches):
            return conv2dBackward(patches: patches, weight: weight, hasBias: hasBias, geometry: g, gradient: gradient, needInputGradient: needInputGradient)
        case .input(let x):
            var geometry = OneDNN.geometry(g, filters: weight.shape[3])
            let dw = Tensor(uninitializedShape: weight.shape)
            let db = hasBias ? Tensor(uninitializedShape: [weight.shape[3]]) : nil
            // The layouts and shapes are the forward pass's, which oneDNN accepted: a failure
            // here is a broken library, not bad input. (Not `precondition`: this module builds
            // -Ounchecked, which drops the condition and with it the call.)
            if maas_onednn_conv_backward_weights(&geometry, x.base, gradient.base, dw.base, db?.base) != 0 {
                fatalError("oneDNN failed the weight gradient of a convolution it ran forward")
            }
            var dx: Tensor?
            if needInputGradient {
                let t = Tensor(uninitializedShape: x.shape)
                if maas_onednn_conv_backward_data(&geometry, gradient.base, weight.base, t.base) != 0 {
                    fatalError("oneDNN failed the input gradient of a convolution it ran forward")
                }
                dx = t
            }
            return (dx, dw, db)
        }
    }

    public func maxPool2d(_ x: Tensor, geometry g: Conv2DGeometry) -> (output: Tensor, argmax: IndexBuffer) {
        let c = g.inChannels
        let y = Tensor(uninitializedShape: [g.batch, g.outHeight, g.outWidth, c])
        let argmax = IndexBuffer(count: y.count)
        let src = x.base, dst = y.base, indices = argmax.pointer
        parallelFor(g.batch * g.outHeight, grain: 8) { rows in
            for row in rows {
                let n = row / g.outHeight, oh = row % g.outHeight
                for ow in 0..<g.outWidth {
                    let o = (row * g.outWidth + ow) * c
                    let best = dst + o, at = indices + o
                    var first = true
                    for kh in 0..<g.kernelHeight {
                        let ih = oh * g.strideHeight - g.padTop + kh
                        if ih < 0 || ih >= g.inHeight { continue }
                        for kw in 0..<g.kernelWidth {
                            let iw = ow * g.strideWidth - g.padLeft + kw
                            if iw < 0 || iw >= g.inWidth { continue }
                            let offset = ((n * g.inHeight + ih) * g.inWidth + iw) * c
                            let s = src + offset
                            if first {
                                for ch in 0..<c { best[ch] = s[ch]; at[ch] = Int32(offset + ch) }
                                first = false
                                continue
                            }
                            // Branch-free select so the channel loop vectorises.
                            for ch in 0..<c {
                                let v = s[ch], b = best[ch], greater = v > b
                                best[ch] = greater ? v : b
                                at[ch] = greater ? Int32(offset + ch) : at[ch]
                            }
                        }
                    }
                }
            }
        }
        return (y, argmax)
    }

    public func maxPool2dBackward(argmax: IndexBuffer, geometry g: Conv2DGeometry, gradient: Tensor) -> Tensor {
        let dx = Tensor(zeros: [g.batch, g.inHeight, g.inWidth, g.inChannels])
        let perSample = g.outHeight * g.outWidth * g.inChannels
        let d = dx.base, grad = gradient.base, indices = argmax.pointer
        // Windows of one sample only touch that sample's input, so samples split cleanly.
        parallelFor(g.batch, grain: 4) { samples in
            for i in samples.lowerBound * perSample..<samples.upperBound * perSample {
                d[Int(indices[i])] += grad[i]
            }
        }
        return dx
    }

    public func avgPool2d(_ x: Tensor, geometry g: Conv2DGeometry) -> Tensor {
        let c = g.inChannels
        let y = Tensor(zeros: [g.batch, g.outHeight, g.outWidth, c])
        let src = x.base, dst = y.base
        parallelFor(g.batch * g.outHeight, grain: 8) { rows in
            for row in rows {
                let n = row / g.outHeight, oh = row % g.outHeight
                for ow in 0..<g.outWidth {
                    let out = dst + (row * g.outWidth + ow) * c
                    let window = poolWindow(g, oh: oh, ow: ow)
                    for ih in window.rows { for iw in window.columns {
                        let s = src + ((n * g.inHeight + ih) * g.inWidth + iw) * c
                        for ch in 0..<c { out[ch] += s[ch] }
                    } }
                    let scale = 1 / Float(window.rows.count * window.columns.count)
                    for ch in 0..<c { out[ch] *= scale }
                }
            }
        }
        return y
    }

    public func avgPool2dBackward(geometry g: Conv2DGeometry, gradient: Tensor) -> Tensor {
        let c = g.inChannels
        let dx = Tensor(zeros: [g.batch, g.inHeight, g.inWidth, c])
        let d = dx.base, grad = gradient.base
        parallelFor(g.batch, grain: 4) { samples in
            for n in samples { for oh in 0..<g.outHeight { for ow in 0..<g.outWidth {
                let window = poolWindow(g, oh: oh, ow: ow)
                let scale = 1 / Float(window.rows.count * window.columns.count)
                let gr = grad + ((n * g.outHeight + oh) * g.outWidth + ow) * c
                for ih in window.rows { for iw in window.columns {
                    let t = d + ((n * g.inHeight + ih) * g.inWidth + iw) * c
                    for ch in 0..<c { t[ch] += gr[ch] * scale }
                } }
            } } }
        }
        return dx
    }
}

/// Input rows and columns under one pooling window, clipped to the image (padding is not counted).
@inline(__always)
private func poolWindow(_ g: Conv2DGeometry, oh: Int, ow: Int) -> (rows: Range<Int>, columns: Range<Int>) {
    let h0 = oh * g.strideHeight - g.padTop, w0 = ow * g.strideWidth - g.padLeft
    return (max(h0, 0)..<min(h0 + g.kernelHeight, g.inHeight), max(w0, 0)..<min(w0 + g.kernelWidth, g.inWidth))
}

/// Unfolds NHWC input into one row of KH·KW·C values per output pixel. In NHWC a window row is
/// KW·C contiguous floats, so an interior row is a single copy.
func im2col(_ x: UnsafePointer<Float>, _ g: Conv2DGeometry, into patches: UnsafeMutablePointer<Float>) {
    let c = g.inChannels, rowSpan = g.kernelWidth * c, patch = g.patchSize
    parallelFor(g.batch * g.outHeight, grain: max(1, 16384 / max(1, g.outWidth * patch))) { rows in
        for row in rows {
            let n = row / g.outHeight, oh = row % g.outHeight
            for ow in 0..<g.outWidth {
                let dst = patches + (row * g.outWidth + ow) * patch
                let iw0 = ow * g.strideWidth - g.padLeft
                for kh in 0..<g.kernelHeight {
                    let ih = oh * g.strideHeight - g.padTop + kh
                    let d = dst + kh * rowSpan
                    if ih < 0 || ih >= g.inHeight {
                        d.initialize(repeating: 0, count: rowSpan)
                        continue
                    }
                    let source = x + ((n * g.inHeight + ih) * g.inWidth) * c
                    if iw0 >= 0 && iw0 + g.kernelWidth <= g.inWidth {
                        d.update(from: source + iw0 * c, count: rowSpan)
                    } else {
                        for kw in 0..<g.kernelWidth {
                            let iw = iw0 + kw
                            if iw < 0 || iw >= g.inWidth { (d + kw * c).initialize(repeating: 0, count: c) }
                            else { (d + kw * c).update(from: source + iw * c, count: c) }
                        }
                    }
                }
            }
        }
    }
}

/// Adds patch gradients back onto the (zeroed) NHWC input gradient. Parallel over samples,
/// whose input regions are disjoint.
func col2im(_ patches: UnsafePointer<Float>, _ g: Conv2DGeometry, into dx: UnsafeMutablePointer<Float>) {
    let c = g.inChannels, rowSpan = g.kernelWidth * c, patch = g.patchSize
    parallelFor(g.batch, grain: 1) { samples in
        for n in samples { for oh in 0..<g.outHeight { for ow in 0..<g.outWidth {
            let src = patches + ((n * g.outHeight + oh) * g.outWidth + ow) * patch
            let iw0 = ow * g.strideWidth - g.padLeft
            for kh in 0..<g.kernelHeight {
                let ih = oh * g.strideHeight - g.padTop + kh
                if ih < 0 || ih >= g.inHeight { continue }
                let target = dx + ((n * g.inHeight + ih) * g.inWidth) * c
                let s = src + kh * rowSpan
                if iw0 >= 0 && iw0 + g.kernelWidth <= g.inWidth {
                    let t = target + iw0 * c
                    for i in 0..<rowSpan { t[i] += s[i] }
                } else {
                    for kw in 0..<g.kernelWidth {
                        let iw = iw0 + kw
                        if iw < 0 || iw >= g.inWidth { continue }
                        let t = target + iw * c, sk = s + kw * c
                        for i in 0..<c { t[i] += sk[i] }
                    }
                }
            }
        } } }
    }
}

/// Convolutions on oneDNN (measured on the seed CNN's three layers at batch 128, 2 threads:
/// 11.7 ms a step forward and backward, against about 17 ms for im2col + SGEMM). Loaded on
/// first use; where libdnnl is missing, or with MAAS_CONVOLUTION=im2col, im2col + SGEMM run.
/// MAAS_KERNELS=avx2 caps oneDNN at AVX2 as it does OpenBLAS.
public enum OneDNN {
    public static let available: Bool = {
        if let choice = getenv("MAAS_CONVOLUTION"), String(cString: choice) == "im2col" { return false }
        let avx2Only = getenv("MAAS_KERNELS").map { String(cString: $0) == "avx2" } ?? false
        return maas_onednn_load(Int32(ComputeThreads.count), avx2Only ? 1 : 0) == 1
    }()

    /// The implementation oneDNN chose for a convolution (for benchmarks and tests), or nil
    /// when convolutions do not run on oneDNN.
    public static func implementation(input: [Int], kernel: (Int, Int), filters: Int) -> String? {
        guard available else { return nil }
        var geometry = Self.geometry(Conv2DGeometry(input: input, kernel: kernel, stride: (1, 1), samePadding: false), filters: filters)
        return String(cString: maas_onednn_forward_impl(&geometry))
    }

    /// Below this many multiply-adds a call's fixed costs (waking oneDNN's threads, reordering
    /// the weights into its layout) outweigh its faster kernels: the seed CNN at batch 1 took
    /// 344 µs on oneDNN and 168 µs on im2col + SGEMM; at batch 32, 2.3 ms and 3.6 ms.
    static let minimumMultiplyAdds = 1 << 23

    static func geometry(_ g: Conv2DGeometry, filters: Int) -> maas_conv_geometry {
        let padBottom = (g.outHeight - 1) * g.strideHeight + g.kernelHeight - g.inHeight - g.padTop
        let padRight = (g.outWidth - 1) * g.strideWidth + g.kernelWidth - g.inWidth - g.padLeft
        return maas_conv_geometry(batch: Int32(g.batch), in_height: Int32(g.inHeight), in_width: Int32(g.inWidth),
                                  in_channels: Int32(g.inChannels), filters: Int32(filters),
                                  kernel_height: Int32(g.kernelHeight), kernel_width: Int32(g.kernelWidth),
                                  stride_height: Int32(g.strideHeight), stride_width: Int32(g.strideWidth),
                                  pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft), pad_bottom: Int32(max(0, padBottom)),
                                  pad_right: Int32(max(0, padRight)), out_height: Int32(g.outHeight), out_width: Int32(g.outWidth))
    }
}
