package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * The password links' tests' mail server (her mailbox) and node, started with the class and stopped after its tests
 * ({@code @RegisterExtension}). The node mails through it, believes the test's X-Forwarded-For, and allows 5 requests
 * (and 5 failed confirms or checks) an hour from one address and 8 from an IPv6 /48. The test runs its jobs itself: a
 * timer's run would send a mail before the test looks for none.
 */
final class PasswordLinkNode implements AfterAllCallback {
  final GreenMail smtp;
  final TestNode node;

  PasswordLinkNode(MutableClock clock) {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test",
        "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1", "CANTOU_AUTH_PASSWORD_RESETS_PER_ADDRESS", "5",
        "CANTOU_AUTH_PASSWORD_RESETS_PER_NETWORK", "8"), clock);
    node.node().stopJobTimers();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    node.close();
    smtp.stop();
  }
}
