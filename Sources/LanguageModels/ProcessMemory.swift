import CQuantKernels

/// The process's freed heap pages, handed back to the system.
public enum ProcessMemory {
    /// glibc keeps freed memory in each thread's arena; after a burst of large temporaries (a
    /// model's loader, an upload's buffers) that stays resident until trimmed.
    public static func returnFreePages() { maas_return_free_memory() }
}
