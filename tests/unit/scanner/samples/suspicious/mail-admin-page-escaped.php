<?php
// an admin page of a records system: mails the letter typed to the address typed, with the
// values escaped through the site's database connection (the page stores what it sends)
if (isset($_POST['send'])) {
    include_once 'conndb.php';
    $mailto = mysqli_real_escape_string($conn, $_POST['to']);
    $subject = mysqli_real_escape_string($conn, $_POST['subject']);
    $message = mysqli_real_escape_string($conn, $_POST['message']);
    mysqli_query($conn, "INSERT INTO outbox (mailto, subject) VALUES ('$mailto', '$subject')");
    $headers = "From: registry <registry@example.org>\r\n";
    mail($mailto, $subject, $message, $headers) or die("Could not send mail:" . mysqli_error($conn));
    header("Location: index.php?sent");
    exit();
}
