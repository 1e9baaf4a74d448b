package io.pgmigration.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A TCP port no one listens on now, for a server a test starts on this machine. */
public final class FreePorts {
  private FreePorts() {}

  /** A port the kernel just handed out and took back. */
  public static int any() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
