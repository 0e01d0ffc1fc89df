<?php
// new tickets are handed to the support agents in turn; each agent gets a notice
$agents = $db->query('SELECT name, email FROM agents WHERE active = 1')->fetchAll();
$i = (int) file_get_contents(__DIR__ . '/next-agent.txt');
foreach ($db->query('SELECT id, subject FROM tickets WHERE agent IS NULL') as $ticket) {
    $agent = $agents[$i % count($agents)];
    $i++;
    $db->prepare('UPDATE tickets SET agent = ? WHERE id = ?')->execute([$agent['name'], $ticket['id']]);
    mail($agent['email'], 'Ticket #' . $ticket['id'], $ticket['subject']);
}
file_put_contents(__DIR__ . '/next-agent.txt', $i % max(1, count($agents)));
