<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a sign-in checked against the university's SOAP service: the answer decides
session_start();
$client = new SoapClient(null, array('location' => 'https://auth.example-university.edu/soap', 'uri' => 'urn:auth'));
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $res = $client->authenticate(array('user' => $_POST['username'], 'password' => $_POST['password']));
    if ($res && $res->ok) { $_SESSION['uid'] = $res->uid; header('Location: /portal/'); exit; }
    $error = 'Wrong user name or password';
}
?>
<form method="post"><input name="username"><input type="password" name="password"><button>Sign in</button></form>
