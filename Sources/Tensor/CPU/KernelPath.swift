import COpenBLAS

/// The kernels training and inference run on, as benchmarks report them: OpenBLAS's kernel
/// family for the matrix products (chosen at load from the processor, or AVX2 with
/// `MAAS_KERNELS=avx2`), oneDNN's implementation for the convolutions, and the instruction set
/// our own loops were compiled for.
public enum KernelPath {
    public static var current: String {
        let convolution = OneDNN.implementation(input: [128, 13, 13, 32], kernel: (3, 3), filters: 64).map { "onednn \($0)" } ?? "im2col+sgemm"
        return "openblas \(String(cString: openblas_get_corename())), convolutions \(convolution), own loops avx2+fma"
    }
}
