<?php
// today's exchange rates from the bank's feed, shown in the sidebar
$rates = file_get_contents('https://rates.example-bank.com/today.html');
echo '<div class="widget rates">' . strip_tags($rates, '<table><tr><td>') . '</div>';
echo '<div id="login-modal" style="display:none">' . htmlspecialchars($site_name) . '</div>';
