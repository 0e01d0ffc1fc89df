<?php
// a contact page lists its departments; a callback request goes to sales
$departments = ['sales' => 'sales@a.example', 'support' => 'help@b.example', 'press' => 'press@c.example',
    'jobs' => 'jobs@d.example', 'legal' => 'legal@e.example', 'billing' => 'bill@f.example',
    'it' => 'it@g.example', 'events' => 'events@h.example', 'partners' => 'partners@i.example',
    'investors' => 'ir@j.example'];
foreach ($departments as $name => $address) {
    echo '<option value="' . $name . '">' . ucfirst($name) . '</option>';
}
if (isset($_POST['callback'])) {
    mail($departments['sales'], 'Callback request', 'A visitor asked to be called back.');
}
