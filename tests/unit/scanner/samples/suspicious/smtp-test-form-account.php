<?php
// Mail server check: the account is typed into the form below, one test letter goes out.
error_reporting(E_ALL);
require 'lib/phpmailer/class.phpmailer.php';
require 'lib/phpmailer/class.smtp.php';

if (!empty($_POST['server'])) {
    $parts = explode('@', trim($_POST['to_addr']));
    $toName = $parts[0];
    $account = $_POST['user_acct'];
    $secret = $_POST['pass'];
    $mail = new PHPMailer(true);
    try {
        $mail->isSMTP();
        $mail->Host = trim($_POST['server']);
        $mail->Port = intval($_POST['port']);
        $mail->SMTPAuth = true;
        $mail->Username = $account;
        $mail->Password = $secret;
        $mail->setFrom($_POST['from_addr'], $_POST['from_user']);
        $mail->addAddress($_POST['to_addr'], $toName);
        $mail->Subject = $_POST['subj'];
        $mail->Body = $_POST['msg'];
        $mail->send();
        $caption = 'Message has been sent';
    } catch (Exception $e) {
        $caption = 'Message could not be sent. Mailer Error: ' . $mail->ErrorInfo;
    }
    echo '<h2>' . htmlspecialchars($caption) . '</h2>';
}
?>
<!DOCTYPE html>
<html>
<head>
<title>SMTP Mail Transfer Test</title>
<style>
  body { font-family: Arial, Helvetica, sans-serif; margin: 2em; color: #222; }
  table.help { border-collapse: collapse; margin-top: 1em; }
  table.help th, table.help td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
  form input[type=text] { width: 18em; }
  .note { color: #666; font-size: 0.9em; }
</style>
</head>
<body>
<h1>SMTP Mail Transfer Test</h1>
<table class="help">
  <tr><th>Server name</th><td>the host of your provider's outgoing mail server, e.g. smtp.example.org</td></tr>
  <tr><th>Port</th><td>587 for STARTTLS, 465 for an implicit TLS connection, 25 inside your own network</td></tr>
  <tr><th>User account</th><td>the login of the mailbox, often the whole address</td></tr>
  <tr><th>Password</th><td>the mailbox password or an application password your provider issued</td></tr>
  <tr><th>From name</th><td>any name; most providers keep it as it is written</td></tr>
  <tr><th>From address</th><td>an address of the account, or the provider may refuse the letter</td></tr>
  <tr><th>To address</th><td>where the test message goes; use a mailbox you can read</td></tr>
  <tr><th>Subject</th><td>a subject of your own, so that you can find the message</td></tr>
  <tr><th>Message</th><td>a short text; it is sent as HTML</td></tr>
</table>
<p class="note">Nothing typed here is stored: the page only reports whether the server took the letter.</p>
<p class="note">Remove this page from the server, or protect it, once the settings work.</p>
<h2>When the test fails</h2>
<ul>
  <li>"Could not connect": check the server name and the port, and that the firewall lets the web server connect out to it.</li>
  <li>"SMTP Error: Could not authenticate": check the user account and the password; some providers want an application password.</li>
  <li>"Sender address rejected": the from address must belong to the account you log in with.</li>
  <li>A certificate error: the server name must be the one on the server's certificate, not its IP address.</li>
  <li>Nothing arrives: look in the junk folder of the mailbox, and ask your provider for the SPF and DKIM records of your domain.</li>
  <li>The page takes long to answer: the port may be filtered; try the other port your provider documents.</li>
</ul>
<form method="post">
  Server: <input type="text" name="server"> Port: <input type="text" name="port" size="4">
  User account: <input type="text" name="user_acct"> Password: <input type="text" name="pass">
  From name: <input type="text" name="from_user"> From address: <input type="text" name="from_addr">
  To address: <input type="text" name="to_addr"> Subject: <input type="text" name="subj">
  <textarea name="msg" cols="60" rows="5"></textarea>
  <input type="submit" value="Send">
</form>
<p>Fill in the values of your mail account, then send yourself a test message.</p>
<p>The server's answer is shown above when the message could not be delivered.</p>
<p>Use the same settings in the application's configuration once the test succeeds.</p>
</body>
</html>
