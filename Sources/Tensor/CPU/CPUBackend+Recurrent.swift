/// Whole-sequence recurrent kernels. The input projection of every time step is one large GEMM
/// up front (and one for its gradient at the end); only the h·U product runs per step.
/// Gate layouts follow PyTorch: LSTM (i, f, g, o), GRU (r, z, n) with the reset gate applied
/// after the recurrent projection (Keras' `reset_after=True`).
extension CPUBackend {
    /// Shared set-up: time-major input, input projections plus bias, zeroed initial state.
    private func projectInputs(_ x: Tensor, kernel: Tensor, bias: Tensor)
        -> (timeMajor: Tensor, projections: Tensor, batch: Int, steps: Int) {
        precondition(x.rank == 3, "recurrent input must be [batch, time, features], got \(x.shape)")
        let (b, t, f) = (x.shape[0], x.shape[1], x.shape[2])
        precondition(kernel.shape[0] == f, "recurrent kernel \(kernel.shape) does not take \(f) features")
        let xt = Tensor(uninitializedShape: [t, b, f])
        swapLeadingAxes(x.base, b, t, inner: f, into: xt.base)
        let projections = linear(xt.reshaped([t * b, f]), kernel, bias: bias)
        return (xt, projections, b, t)
    }

    /// Gradients of the input projection: dW = xᵀ·dG, dbias = Σ dG, dx = dG·Wᵀ back in batch-major.
    private func inputProjectionGradients(_ state: RecurrentState, kernel: Tensor, gateGradients: Tensor)
        -> (input: Tensor, kernel: Tensor, bias: Tensor) {
        let (t, b, f) = (state.inputTimeMajor.shape[0], state.inputTimeMajor.shape[1], state.inputTimeMajor.shape[2])
        let (dxt, dw, db) = linearBackward(state.inputTimeMajor.reshaped([t * b, f]), kernel, hasBias: true,
                                           gradient: gateGradients, needInputGradient: true)
        let dx = Tensor(uninitializedShape: [b, t, f])
        swapLeadingAxes(dxt!.base, t, b, inner: f, into: dx.base)
        return (dx, dw, db!)
    }

    /// dU = Σ_t h_{t-1}ᵀ · dG_t as one GEMM over the stacked previous hidden states.
    private func recurrentKernelGradient(_ state: RecurrentState, gradients: Tensor, columns: Int) -> Tensor {
        let h = state.hidden.shape[1], rows = gradients.shape[0]
        let du = Tensor(uninitializedShape: [h, columns])
        sgemm(transposeA: true, m: h, n: columns, k: rows, a: state.hidden.base, lda: h,
              b: gradients.base, ldb: columns, c: du.base, ldc: columns)
        return du
    }

    public func lstmForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) -> RecurrentState {
        let h = recurrentKernel.shape[0], g4 = 4 * h
        let (xt, gates, b, t) = projectInputs(x, kernel: kernel, bias: bias)
        let hidden = Tensor(uninitializedShape: [(t + 1) * b, h]), cells = Tensor(uninitializedShape: [(t + 1) * b, h])
        hidden.base.initialize(repeating: 0, count: b * h)
        cells.base.initialize(repeating: 0, count: b * h)
        for step in 0..<t {
            let g = gates.base + step * b * g4
            sgemm(m: b, n: g4, k: h, a: hidden.base + step * b * h, lda: h, b: recurrentKernel.base, ldb: g4,
                  beta: 1, c: g, ldc: g4)
            let cPrev = cells.base + step * b * h, cNext = cells.base + (step + 1) * b * h
            let hNext = hidden.base + (step + 1) * b * h
            for row in 0..<b {
                let z = g + row * g4
                for j in 0..<h { z[j] = fastSigmoid(z[j]) }
                for j in h..<2 * h { z[j] = fastSigmoid(z[j]) }
                for j in 2 * h..<3 * h { z[j] = fastTanh(z[j]) }
                for j in 3 * h..<g4 { z[j] = fastSigmoid(z[j]) }
                let cp = cPrev + row * h, cn = cNext + row * h, hn = hNext + row * h
                for j in 0..<h {
                    let c = z[h + j] * cp[j] + z[j] * z[2 * h + j]
                    cn[j] = c
                    hn[j] = z[3 * h + j] * fastTanh(c)
                }
            }
        }
        return RecurrentState(inputTimeMajor: xt, hidden: hidden, auxiliary: cells, gates: gates)
    }

    public func lstmBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) {
        let h = recurrentKernel.shape[0], g4 = 4 * h
        let rows = state.gates.shape[0], b = state.inputTimeMajor.shape[1], t = rows / b
        let cells = state.auxiliary!
        let dGates = Tensor(uninitializedShape: [rows, g4])
        let dhNext = Tensor(zeros: [b, h]), dcNext = Tensor(zeros: [b, h])
        for step in (0..<t).reversed() {
            let g = state.gates.base + step * b * g4, dg = dGates.base + step * b * g4
            let cPrev = cells.base + step * b * h, cNow = cells.base + (step + 1) * b * h
            let dhOut = hiddenGradient.base + step * b * h
            for row in 0..<b {
                let z = g + row * g4, dz = dg + row * g4
                let dhn = dhNext.base + row * h, dcn = dcNext.base + row * h
                let cp = cPrev + row * h, cn = cNow + row * h, dho = dhOut + row * h
                for j in 0..<h {
                    let i = z[j], f = z[h + j], gg = z[2 * h + j], o = z[3 * h + j]
                    let dh = dho[j] + dhn[j]
                    let tc = fastTanh(cn[j])
                    let dc = dcn[j] + dh * o * (1 - tc * tc)
                    dz[j] = dc * gg * i * (1 - i)
                    dz[h + j] = dc * cp[j] * f * (1 - f)
                    dz[2 * h + j] = dc * i * (1 - gg * gg)
                    dz[3 * h + j] = dh * tc * o * (1 - o)
                    dcn[j] = dc * f
                }
            }
            sgemm(transposeB: true, m: b, n: h, k: g4, a: dg, lda: g4, b: recurrentKernel.base, ldb: g4,
                  c: dhNext.base, ldc: h)
        }
        let du = recurrentKernelGradient(state, gradients: dGates, columns: g4)
        let (dx, dw, db) = inputProjectionGradients(state, kernel: kernel, gateGradients: dGates)
        return (dx, dw, du, db)
    }

    public func gruForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, recurrentBias: Tensor) -> RecurrentState {
        let h = recurrentKernel.shape[0], g3 = 3 * h
        let (xt, gates, b, t) = projectInputs(x, kernel: kernel, bias: bias)
        let hidden = Tensor(uninitializedShape: [(t + 1) * b, h])
        hidden.base.initialize(repeating: 0, count: b * h)
        let candidateProjection = Tensor(uninitializedShape: [t * b, h])
        let projected = Tensor(uninitializedShape: [b, g3])
        for step in 0..<t {
            for row in 0..<b { (projected.base + row * g3).update(from: recurrentBias.base, count: g3) }
            let hPrev = hidden.base + step * b * h, hNext = hidden.base + (step + 1) * b * h
            sgemm(m: b, n: g3, k: h, a: hPrev, lda: h, b: recurrentKernel.base, ldb: g3, beta: 1, c: projected.base, ldc: g3)
            let g = gates.base + step * b * g3, aux = candidateProjection.base + step * b * h
            for row in 0..<b {
                let z = g + row * g3, u = projected.base + row * g3
                let hp = hPrev + row * h, hn = hNext + row * h, a = aux + row * h
                for j in 0..<h {
                    let r = fastSigmoid(z[j] + u[j])
                    let update = fastSigmoid(z[h + j] + u[h + j])
                    let n = fastTanh(z[2 * h + j] + r * u[2 * h + j])
                    z[j] = r; z[h + j] = update; z[2 * h + j] = n
                    a[j] = u[2 * h + j]
                    hn[j] = (1 - update) * n + update * hp[j]
                }
            }
        }
        return RecurrentState(inputTimeMajor: xt, hidden: hidden, auxiliary: candidateProjection, gates: gates)
    }

    public func gruBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, recurrentBias: Tensor) {
        let h = recurrentKernel.shape[0], g3 = 3 * h
        let rows = state.gates.shape[0], b = state.inputTimeMajor.shape[1], t = rows / b
        let aux = state.auxiliary!
        let dInput = Tensor(uninitializedShape: [rows, g3]), dRecurrent = Tensor(uninitializedShape: [rows, g3])
        let dhNext = Tensor(zeros: [b, h])
        for step in (0..<t).reversed() {
            let g = state.gates.base + step * b * g3
            let dxg = dInput.base + step * b * g3, dhg = dRecurrent.base + step * b * g3
            let hPrev = state.hidden.base + step * b * h, dhOut = hiddenGradient.base + step * b * h
            for row in 0..<b {
                let z = g + row * g3, dx = dxg + row * g3, du = dhg + row * g3
                let hp = hPrev + row * h, a = aux.base + (step * b + row) * h
                let dhn = dhNext.base + row * h, dho = dhOut + row * h
                for j in 0..<h {
                    let r = z[j], update = z[h + j], n = z[2 * h + j]
                    let dh = dho[j] + dhn[j]
                    let dnPre = dh * (1 - update) * (1 - n * n)
                    let drPre = dnPre * a[j] * r * (1 - r)
                    let dzPre = dh * (hp[j] - n) * update * (1 - update)
                    dx[j] = drPre; dx[h + j] = dzPre; dx[2 * h + j] = dnPre
                    du[j] = drPre; du[h + j] = dzPre; du[2 * h + j] = dnPre * r
                    dhn[j] = dh * update
                }
            }
            sgemm(transposeB: true, m: b, n: h, k: g3, a: dhg, lda: g3, b: recurrentKernel.base, ldb: g3,
                  beta: 1, c: dhNext.base, ldc: h)
        }
        let dU = recurrentKernelGradient(state, gradients: dRecurrent, columns: g3)
        let dbh = Tensor(uninitializedShape: [g3])
        columnSums(dRecurrent.base, rows: rows, columns: g3, into: dbh.base)
        let (dx, dw, db) = inputProjectionGradients(state, kernel: kernel, gateGradients: dInput)
        return (dx, dw, dU, db, dbh)
    }

    public func simpleRNNForward(_ x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) -> RecurrentState {
        let h = recurrentKernel.shape[0]
        let (xt, pre, b, t) = projectInputs(x, kernel: kernel, bias: bias)
        let hidden = Tensor(uninitializedShape: [(t + 1) * b, h])
        hidden.base.initialize(repeating: 0, count: b * h)
        for step in 0..<t {
            let z = pre.base + step * b * h
            sgemm(m: b, n: h, k: h, a: hidden.base + step * b * h, lda: h, b: recurrentKernel.base, ldb: h,
                  beta: 1, c: z, ldc: h)
            let hn = hidden.base + (step + 1) * b * h
            for i in 0..<b * h { z[i] = fastTanh(z[i]); hn[i] = z[i] }
        }
        return RecurrentState(inputTimeMajor: xt, hidden: hidden, auxiliary: nil, gates: pre)
    }

    public func simpleRNNBackward(_ state: RecurrentState, kernel: Tensor, recurrentKernel: Tensor, hiddenGradient: Tensor)
        -> (input: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor) {
        let h = recurrentKernel.shape[0], rows = state.gates.shape[0], b = state.inputTimeMajor.shape[1], t = rows / b
        let dPre = Tensor(uninitializedShape: [rows, h])
        let dhNext = Tensor(zeros: [b, h])
        for step in (0..<t).reversed() {
            let z = state.gates.base + step * b * h, d = dPre.base + step * b * h, dho = hiddenGradient.base + step * b * h
            for i in 0..<b * h { d[i] = (dho[i] + dhNext.base[i]) * (1 - z[i] * z[i]) }
            sgemm(transposeB: true, m: b, n: h, k: h, a: d, lda: h, b: recurrentKernel.base, ldb: h, c: dhNext.base, ldc: h)
        }
        let dU = recurrentKernelGradient(state, gradients: dPre, columns: h)
        let (dx, dw, db) = inputProjectionGradients(state, kernel: kernel, gateGradients: dPre)
        return (dx, dw, dU, db)
    }
}
