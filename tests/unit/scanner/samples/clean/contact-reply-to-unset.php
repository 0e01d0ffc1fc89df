<?php
// order form of a small shop: the request goes to the owner's mailbox
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $name = htmlspecialchars(trim($_POST['name']));
    $phone = htmlspecialchars(trim($_POST['phone']));
    $to = 'shop.owner.orders@gmail.com';
    $subject = 'New order request';
    $message = "<p>Name: $name</p><p>Phone: $phone</p>";
    $headers = "From: Shop <no-reply@example.com>\r\n";
    $headers .= "Reply-To: $email\r\n";
    $headers .= "Content-Type: text/html; charset=UTF-8\r\n";
    $ok = mail($to, $subject, $message, $headers);
    echo json_encode(['success' => $ok]);
}
