<?php
// contact form: a field hidden from people catches the bots that fill every field
$captcha = file_get_contents('https://www.example.com/captcha/challenge');
echo '<form method="post"><input name="email">';
echo '<input name="website" style="display:none" tabindex="-1" autocomplete="off">';
echo '<div class="captcha">' . $captcha . '</div></form>';
