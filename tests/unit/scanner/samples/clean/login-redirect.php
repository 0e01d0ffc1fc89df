<?php
// a members page: visitors without the session cookie are sent to the login form
if (empty($_COOKIE['members_session'])) {
    echo '<script>window.location.href = "https://www.example.org/login/";</script>';
    exit;
}
?>
<script>document.location.href = "#top";</script>
