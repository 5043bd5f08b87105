package dev.anvil.emit;

/** A generated file: path relative to the output directory, and its full text (LF line endings). */
public record OutputFile(String path, String content) {}
